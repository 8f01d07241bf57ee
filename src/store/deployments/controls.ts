import type { Guarded, Resumed } from '../../deployments/deployment.ports.ts';
import { resumeMode } from '../../deployments/pause.ts';
import { redactText } from '../../secrets/redact.ts';
import type { Db } from '../prisma.ts';
import { auditDeployment, repeatableKey } from './audit.ts';
import { lockDeploymentRow, releaseLock } from './lock.ts';
import { findDeployment } from './reads.ts';
import { toView, withTasks, type Tx } from './rows.ts';
import { transition } from './transition.ts';

export function pauseDeployment(db: Db, id: string, userId: string, reason?: string): Promise<Guarded> {
  return transition(db, id, {
    from: ['RUNNING'],
    to: 'PAUSED',
    audit: { actor: userId, action: 'deployment.paused', reason: reason ?? null, repeatable: true },
  });
}

/** Resume under the row lock: which mode, then the guarded change; undefined when it did not apply. */
async function resumeLocked(tx: Tx, id: string, userId: string): Promise<boolean | undefined> {
  if ((await lockDeploymentRow(tx, id, 'update'))?.status !== 'PAUSED') return undefined;
  const seen = await tx.deployment.findUniqueOrThrow({ where: { id }, include: withTasks });
  const mode = resumeMode(toView(seen));
  const { count } = await tx.deployment.updateMany({
    where: { id, status: 'PAUSED', currentPhase: seen.currentPhase, generation: seen.generation },
    data: { status: 'RUNNING', ...(mode === 'new_job' ? { generation: { increment: 1 } } : {}) },
  });
  if (count === 0) return undefined;
  await auditDeployment(tx, seen, {
    actor: userId,
    action: 'deployment.resumed',
    change: { before: { status: 'PAUSED' }, after: { status: 'RUNNING' } },
    data: { pauseTookEffect: mode === 'new_job', phase: seen.currentPhase },
    dedupeKey: await repeatableKey(tx, id, 'deployment.resumed'),
  });
  return mode === 'new_job';
}

/**
 * PAUSED -> RUNNING. Before the pause took effect (a task of the current phase is RUNNING) it only cancels the
 * pause: same generation, so the job running the phase carries on and completes it. After, a new generation,
 * so the phase job the caller enqueues is a new job. One guarded statement on status, phase and generation, so
 * a phase job completing its phase meanwhile makes this a no-op the caller reports, never a second runner.
 */
export async function resumeDeployment(db: Db, id: string, userId: string): Promise<Resumed> {
  const newJob = await db.$transaction((tx) => resumeLocked(tx, id, userId));
  const deployment = await findDeployment(db, id);
  return newJob !== undefined && deployment ? { applied: true, deployment, newJob } : { applied: false, deployment };
}

export function abortDeployment(db: Db, id: string, userId: string, at: Date): Promise<Guarded> {
  return transition(db, id, {
    from: ['RUNNING', 'PAUSED'],
    to: 'ABORTED',
    audit: { actor: userId, action: 'deployment.aborted' },
    set: { finishedAt: at },
    after: (tx, row) => releaseLock(tx, row),
  });
}

/** Failure reasons carry error text from drivers and task runners: redacted here, where every path stores them. */
export function failDeployment(db: Db, id: string, reason: string, at: Date): Promise<Guarded> {
  return transition(db, id, {
    from: ['RUNNING', 'PAUSED'],
    to: 'FAILED',
    audit: { actor: 'system', action: 'deployment.failed', reason: redactText(reason) },
    set: { failureReason: redactText(reason), finishedAt: at },
    after: (tx, row) => releaseLock(tx, row),
  });
}
