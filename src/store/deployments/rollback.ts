import type { Guarded, LockedOut } from '../../deployments/deployment.ports.ts';
import { ROLLBACKABLE_STATUSES, type DeploymentView } from '../../deployments/deployment.types.ts';
import { redactText } from '../../secrets/redact.ts';
import type { Db } from '../prisma.ts';
import { findLock, releaseLock } from './lock.ts';
import { findDeployment } from './reads.ts';
import { isUniqueViolation, taskRows, type DeploymentRow, type Tx } from './rows.ts';
import { transition } from './transition.ts';

type RollbackRequest = { by: string; reason: string; at: Date };

/** What a started rollback takes in the same transaction: the lock (kept or taken back) and its tasks. */
async function prepareRollback(tx: Tx, row: DeploymentRow, current: DeploymentView, input: RollbackRequest): Promise<void> {
  await tx.deploymentLock.createMany({
    data: [{ service: row.service, environment: row.environment, deploymentId: row.id, holder: input.by, since: input.at }],
    skipDuplicates: true,
  });
  await tx.deploymentTask.createMany({ data: taskRows(row.id, 'rollback', [{ tasks: current.plan.rollback.tasks }]), skipDuplicates: true });
}

/**
 * Starts the rollback once, whoever asks first (a failed verification, a button, the command). It keeps or
 * takes back the lock; a newer deployment holding it means this one is no longer the one to roll back.
 */
export async function startRollback(db: Db, id: string, input: RollbackRequest): Promise<Guarded | LockedOut> {
  const current = await findDeployment(db, id);
  if (!current) return { applied: false, deployment: undefined };
  const lock = await findLock(db, current.service, current.environment);
  if (lock && lock.deploymentId !== id) return { applied: false, deployment: current, lockedBy: lock };
  try {
    return await transition(db, id, {
      from: ROLLBACKABLE_STATUSES,
      to: 'ROLLING_BACK',
      audit: { actor: input.by, action: 'deployment.rollback_started', reason: input.reason },
      set: { rollbackReason: input.reason, rollbackBy: input.by, rollbackStartedAt: input.at },
      after: (tx, row) => prepareRollback(tx, row, current, input),
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return { applied: false, deployment: await findDeployment(db, id) };
  }
}

/** ROLLING_BACK -> ROLLED_BACK or ROLLBACK_FAILED; the outcome's message is redacted like every stored reason. */
export function finishRollback(db: Db, id: string, outcome: { ok: boolean; message: string }, at: Date): Promise<Guarded> {
  const message = redactText(outcome.message);
  return transition(db, id, {
    from: ['ROLLING_BACK'],
    to: outcome.ok ? 'ROLLED_BACK' : 'ROLLBACK_FAILED',
    audit: { actor: 'system', action: outcome.ok ? 'deployment.rolled_back' : 'deployment.rollback_failed', reason: message },
    set: { rollbackFinishedAt: at, finishedAt: at, ...(outcome.ok ? {} : { failureReason: message }) },
    after: (tx, row) => releaseLock(tx, row),
  });
}
