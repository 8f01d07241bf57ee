import type { Worker } from 'bullmq';
import { errorFields, type Logger } from '../src/shared/logger.ts';
import { runningJobsOf } from './create-worker.ts';

export type StopWorkersResult = { stopped: 'drained' } | { stopped: 'handed_off'; jobs: number };

/**
 * A graceful stop with a bound: every worker stops taking jobs at once and its running jobs get `graceMs` to
 * finish. Jobs still running then are moved back to the front of their queue, their locks released, so another
 * worker starts them at once instead of after a lock expiry; they are idempotent (a recorded check is not run
 * again, a deployment task repeats its call with the same key). Nothing is left locked by this process.
 */
export async function stopWorkers(workers: readonly Worker[], graceMs: number, logger: Logger): Promise<StopWorkersResult> {
  const closing = Promise.all(workers.map((worker) => worker.close()));
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace_over'>((resolve) => {
    timer = setTimeout(() => resolve('grace_over'), graceMs);
  });
  const first = await Promise.race([closing.then(() => 'drained' as const), graceOver]);
  clearTimeout(timer);
  if (first === 'drained') return { stopped: 'drained' };

  let handedOff = 0;
  await Promise.all(
    workers.flatMap((worker) =>
      runningJobsOf(worker).map(async ({ job, token }) => {
        try {
          // Fails only when the lock is no longer ours (the job finished or was taken over meanwhile): nothing to hand back.
          await job.moveToWait(token);
          handedOff += 1;
        } catch (error) {
          logger.warn('could not hand a running job back at stop', { queue: worker.name, jobId: job.id, ...errorFields(error) });
        }
      }),
    ),
  );
  // The handed-off jobs' processors are still running here; the process exits without waiting for them.
  for (const worker of workers) worker.cancelAllJobs('worker stopping');
  logger.warn('stopped with jobs still running; handed them to other workers', { jobs: handedOff, graceMs });
  return { stopped: 'handed_off', jobs: handedOff };
}
