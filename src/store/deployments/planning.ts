import type { Prisma } from '../../generated/prisma/client.ts';
import type { DeploymentSubject, Guarded, NewDeployment } from '../../deployments/deployment.ports.ts';
import type { DeploymentView } from '../../deployments/deployment.types.ts';
import { redactDeep } from '../../secrets/redact.ts';
import { auditInsert } from '../audit.repository.ts';
import type { Db } from '../prisma.ts';
import { auditDeployment } from './audit.ts';
import { releaseLock } from './lock.ts';
import { isUniqueViolation, toView, withTasks } from './rows.ts';
import { transition } from './transition.ts';

/** Records a planned deployment once per command (the same trigger_id finds the first). */
export async function createDeployment(db: Db, input: NewDeployment): Promise<{ deployment: DeploymentView; created: boolean }> {
  try {
    const row = await db.$transaction(async (tx) => {
      // Redacted: secret references stay as written; literal secrets are restored from the config when a task runs.
      const created = await tx.deployment.create({
        data: { ...input, plan: redactDeep(input.plan) as unknown as Prisma.InputJsonObject },
        include: withTasks,
      });
      await auditDeployment(tx, created, {
        actor: input.requestedBy,
        action: 'deployment.planned',
        change: { before: null, after: { status: created.status } },
        data: { template: input.template, version: input.version, assessmentId: input.assessmentId },
      });
      return created;
    });
    return { deployment: toView(row), created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await db.deployment.findUnique({ where: { requestKey: input.requestKey }, include: withTasks });
    if (!existing) throw error;
    return { deployment: toView(existing), created: false };
  }
}

export async function attachMessage(db: Db, id: string, messageTs: string): Promise<boolean> {
  const { count } = await db.deployment.updateMany({ where: { id, messageTs: null }, data: { messageTs } });
  return count === 1;
}

/** PLANNED past its expiry -> CANCELLED with the reason, once; audited as `deployment.expired`. */
export function expirePlan(db: Db, id: string, reason: string, at: Date): Promise<Guarded> {
  return transition(db, id, {
    from: ['PLANNED'],
    to: 'CANCELLED',
    audit: { actor: 'system', action: 'deployment.expired', reason },
    set: { finishedAt: at, failureReason: reason },
    guard: { planExpiresAt: { lte: at } },
    // A plan holds no lock; this only makes sure none is left behind.
    after: (tx, row) => releaseLock(tx, row),
  });
}

export function cancelPlan(db: Db, id: string, userId: string, at: Date): Promise<Guarded> {
  return transition(db, id, {
    from: ['PLANNED'],
    to: 'CANCELLED',
    audit: { actor: userId, action: 'deployment.cancelled' },
    set: { finishedAt: at },
  });
}

/**
 * A refused Start, for the trail: once per deployment, person and reason (a double click or a redelivered
 * click records it once). Nothing about the deployment changes.
 */
export async function recordStartRefused(db: Db, deployment: DeploymentSubject, userId: string, reason: string, detail: string): Promise<void> {
  await db.auditEvent.createMany({
    data: [
      auditInsert({
        actor: userId,
        action: 'deployment.start_refused',
        subjectType: 'deployment',
        subjectId: deployment.id,
        reason: detail,
        // A refusal changes nothing: before and after are the same PLANNED deployment.
        before: { status: 'PLANNED' },
        after: { status: 'PLANNED', refusal: reason },
        data: { service: deployment.service, environment: deployment.environment, refusal: reason },
        dedupeKey: `deployment.start_refused:${deployment.id}:${userId}:${reason}`,
      }) as Prisma.AuditEventCreateManyInput,
    ],
    skipDuplicates: true,
  });
}
