import type { Guarded } from '../../deployments/deployment.ports.ts';
import type { Db } from '../prisma.ts';
import { releaseLock } from './lock.ts';
import { guardedResult } from './reads.ts';
import { transition } from './transition.ts';

/**
 * The phase is done: the next one becomes current, or the deployment SUCCEEDED and its lock is released. Only
 * for the job of the current phase and generation, in one guarded statement: a job that Resume replaced with a
 * newer generation meanwhile changes nothing (the newer job completes the phase), and neither does a duplicate.
 */
export async function completePhase(
  db: Db,
  id: string,
  phase: { phaseIndex: number; generation: number; isLast: boolean },
  at: Date,
): Promise<Guarded> {
  const guard = { currentPhase: phase.phaseIndex, generation: phase.generation };
  if (phase.isLast) {
    return transition(db, id, {
      from: ['RUNNING'],
      to: 'SUCCEEDED',
      audit: { actor: 'system', action: 'deployment.succeeded' },
      set: { finishedAt: at, currentPhase: phase.phaseIndex + 1 },
      guard,
      after: (tx, row) => releaseLock(tx, row),
    });
  }
  const { count } = await db.deployment.updateMany({
    where: { id, status: { in: ['RUNNING', 'PAUSED'] }, ...guard },
    data: { currentPhase: phase.phaseIndex + 1 },
  });
  return guardedResult(db, id, count === 1);
}
