import type { Guarded, LockedOut, StartGuard } from '../../deployments/deployment.ports.ts';
import type { DeploymentView } from '../../deployments/deployment.types.ts';
import type { Db } from '../prisma.ts';
import { auditDeployment } from './audit.ts';
import { findLock } from './lock.ts';
import { findDeployment, guardedResult } from './reads.ts';
import { isUniqueViolation, taskRows, withTasks, type Tx } from './rows.ts';

/**
 * PLANNED -> RUNNING in one statement that re-checks what the caller checked: the plan has not expired, its
 * assessment is still the newest completed one, and it is still a fresh GO (its sign-off decision where sign-off
 * is required). Returns how many rows it changed: 0 when a check no longer holds.
 */
function guardedStartStatement(tx: Tx, id: string, userId: string, at: Date, guard: StartGuard): Promise<number> {
  return tx.$executeRaw`
    UPDATE deployments d
       SET status = 'RUNNING', started_by = ${userId}, started_at = ${at}, generation = 1, updated_at = ${at}
     WHERE d.id = ${id}::uuid
       AND d.status = 'PLANNED'
       AND d.plan_expires_at > ${at}
       AND d.assessment_id = (
             SELECT a.id FROM assessments a
              WHERE a.service = d.service AND a.environment = d.environment AND a.status = 'COMPLETED'
              ORDER BY a.completed_at DESC LIMIT 1)
       AND CASE WHEN ${guard.requiresSignoff}
             THEN EXISTS (SELECT 1 FROM signoff_requests r
                           WHERE r.assessment_id = d.assessment_id AND r.status IN ('APPROVED', 'OVERRIDDEN')
                             AND r.decision IN ('GO', 'GO_WITH_CAUTION') AND r.decided_at >= ${guard.decidedAfter})
             ELSE EXISTS (SELECT 1 FROM assessments a
                           WHERE a.id = d.assessment_id AND a.verdict IN ('GO', 'GO_WITH_CAUTION') AND a.completed_at >= ${guard.decidedAfter})
           END`;
}

/** What a started deployment gets in the same transaction: its audit entry, the lock, and its deploy tasks. */
async function recordStart(tx: Tx, planned: DeploymentView, userId: string, at: Date, guard: StartGuard): Promise<void> {
  const row = await tx.deployment.findUniqueOrThrow({ where: { id: planned.id }, include: withTasks });
  await auditDeployment(tx, row, {
    actor: userId,
    action: 'deployment.started',
    change: { before: { status: 'PLANNED' }, after: { status: 'RUNNING' } },
    data: { assessmentId: row.assessmentId, goDecidedAfter: guard.decidedAfter.toISOString() },
  });
  // A lock held by another deployment violates its unique key: the caller reports who holds it.
  await tx.deploymentLock.create({ data: { service: row.service, environment: row.environment, deploymentId: row.id, holder: userId, since: at } });
  await tx.deploymentTask.createMany({ data: taskRows(row.id, 'deploy', planned.plan.phases), skipDuplicates: true });
}

/**
 * PLANNED -> RUNNING, taking the service+environment lock; a held lock names its holder instead. A check that no
 * longer holds makes it a no-op (still PLANNED), so a NO-GO committed before it can never be started past.
 */
export async function startDeployment(db: Db, id: string, userId: string, at: Date, guard: StartGuard): Promise<Guarded | LockedOut> {
  const current = await findDeployment(db, id);
  if (current?.status !== 'PLANNED') return { applied: false, deployment: current };
  try {
    const applied = await db.$transaction(async (tx) => {
      if ((await guardedStartStatement(tx, id, userId, at, guard)) === 0) return false;
      await recordStart(tx, current, userId, at, guard);
      return true;
    });
    return await guardedResult(db, id, applied);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const lockedBy = await findLock(db, current.service, current.environment);
    if (!lockedBy) throw error;
    return { applied: false, deployment: await findDeployment(db, id), lockedBy };
  }
}
