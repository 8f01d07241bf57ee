import type { Prisma } from '../../generated/prisma/client.ts';
import type { Guarded } from '../../deployments/deployment.ports.ts';
import type { DeploymentStatus, Stage, TaskOutcome } from '../../deployments/deployment.types.ts';
import { redactDeep, redactText } from '../../secrets/redact.ts';
import type { Db } from '../prisma.ts';
import { auditDeployment, repeatableKey } from './audit.ts';
import { lockDeploymentRow } from './lock.ts';
import { guardedResult } from './reads.ts';
import type { Tx } from './rows.ts';

/**
 * A task starts (or starts again after a crash, with the same idempotency key), only while its stage is live:
 * after an abort, a failure or the start of a rollback, no further deploy task starts, even in the same phase.
 * And only for the run of the deployment's current generation: once Resume or a passed gate handed the phase
 * to a newer job, the older one starts nothing (the row lock orders this against Resume's choice).
 */
export async function markTaskRunning(db: Db, id: string, task: { stage: Stage; taskId: string; generation: number }, at: Date): Promise<boolean> {
  const live: DeploymentStatus[] = task.stage === 'deploy' ? ['RUNNING', 'PAUSED'] : ['ROLLING_BACK'];
  return db.$transaction(async (tx) => {
    const deployment = await lockDeploymentRow(tx, id, 'share');
    if (!deployment || !live.includes(deployment.status) || deployment.generation !== task.generation) return false;
    return claimTask(tx, id, task, at);
  });
}

/** PENDING or RUNNING -> RUNNING, one more attempt; only under markTaskRunning's row lock (and the warm-up's no-op). */
export async function claimTask(tx: Tx, id: string, task: { stage: Stage; taskId: string }, at: Date): Promise<boolean> {
  const { count } = await tx.deploymentTask.updateMany({
    where: { deploymentId: id, stage: task.stage, taskId: task.taskId, status: { in: ['PENDING', 'RUNNING'] } },
    data: { status: 'RUNNING', attempts: { increment: 1 }, startedAt: at },
  });
  return count === 1;
}

/** A RUNNING task's outcome; its message and evidence are redacted here, where every path stores them. */
export async function recordTask(db: Db, id: string, stage: Stage, taskId: string, outcome: TaskOutcome, at: Date): Promise<boolean> {
  const { count } = await db.deploymentTask.updateMany({
    where: { deploymentId: id, stage, taskId, status: 'RUNNING' },
    data: {
      status: outcome.status,
      message: redactText(outcome.message),
      evidence: redactDeep(outcome.evidence ?? {}) as Prisma.InputJsonObject,
      finishedAt: outcome.status === 'WAITING' ? null : at,
    },
  });
  return count === 1;
}

/** A manual gate passed: WAITING -> SUCCEEDED, and a new generation for the phase job that continues. */
export async function passGate(db: Db, id: string, taskId: string, userId: string, at: Date): Promise<Guarded> {
  const applied = await db.$transaction(async (tx) => {
    const { count } = await tx.deploymentTask.updateMany({
      where: { deploymentId: id, stage: 'deploy', taskId, status: 'WAITING', deployment: { status: { in: ['RUNNING', 'PAUSED'] } } },
      data: { status: 'SUCCEEDED', message: `proceed given by ${userId}`, finishedAt: at },
    });
    if (count === 0) return false;
    const row = await tx.deployment.update({ where: { id }, data: { generation: { increment: 1 } } });
    await auditDeployment(tx, row, {
      actor: userId,
      action: 'deployment.gate_passed',
      change: { before: { gate: taskId, status: 'WAITING' }, after: { gate: taskId, status: 'SUCCEEDED' } },
      data: { taskId },
      dedupeKey: await repeatableKey(tx, id, 'deployment.gate_passed'),
    });
    return true;
  });
  return guardedResult(db, id, applied);
}
