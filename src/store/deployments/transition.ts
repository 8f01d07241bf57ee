import type { Prisma } from '../../generated/prisma/client.ts';
import type { Guarded } from '../../deployments/deployment.ports.ts';
import type { DeploymentStatus } from '../../deployments/deployment.types.ts';
import type { Db } from '../prisma.ts';
import { auditDeployment, repeatableKey } from './audit.ts';
import { lockDeploymentRow } from './lock.ts';
import { guardedResult } from './reads.ts';
import { withTasks, type DeploymentRow, type Tx } from './rows.ts';

/** A status change: from which states, to which, how it is audited, and what else changes with it. */
export interface Transition {
  from: readonly DeploymentStatus[];
  to: DeploymentStatus;
  audit: { actor: string; action: string; reason?: string | null; data?: Record<string, unknown>; repeatable?: boolean };
  /** Columns set along with the status. */
  set?: Prisma.DeploymentUpdateManyMutationInput;
  /** More the transition must still match (the phase and generation of the job asking, a plan's expiry). */
  guard?: Pick<Prisma.DeploymentWhereInput, 'currentPhase' | 'generation' | 'planExpiresAt'>;
  /** Runs in the same transaction once the change applied (release the lock, create the rollback's tasks). */
  after?: (tx: Tx, row: DeploymentRow) => Promise<unknown>;
}

/** Moves the deployment from one of `from` to `to`, audits it, and reports whether it applied. */
export async function transition(db: Db, id: string, change: Transition): Promise<Guarded> {
  const applied = await db.$transaction(async (tx) => {
    // Locked first: `from` may name several states, and the audit says which one the deployment was in.
    const locked = await lockDeploymentRow(tx, id, 'update');
    const { count } = await tx.deployment.updateMany({
      where: { id, status: { in: [...change.from] }, ...change.guard },
      data: { status: change.to, ...change.set },
    });
    if (count === 0) return false;
    const row = await tx.deployment.findUniqueOrThrow({ where: { id }, include: withTasks });
    const { audit } = change;
    await auditDeployment(tx, row, {
      actor: audit.actor,
      action: audit.action,
      change: { before: { status: locked?.status ?? null }, after: { status: change.to } },
      reason: audit.reason ?? null,
      data: audit.data,
      dedupeKey: audit.repeatable ? await repeatableKey(tx, id, audit.action) : undefined,
    });
    await change.after?.(tx, row);
    return true;
  });
  return guardedResult(db, id, applied);
}
