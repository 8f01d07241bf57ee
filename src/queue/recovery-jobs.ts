import type { Queue } from 'bullmq';
import type { RecoveryTarget } from '../recovery/decide-recovery.ts';
import type { RecoveryJobs } from '../recovery/recovery.ports.ts';

/** The sweep's view of BullMQ: a target's job is found by its deterministic id. */
export function recoveryJobsFor(queues: { assessments: Queue; deployments: Queue }): RecoveryJobs {
  const queueOf = (target: RecoveryTarget) => (target.kind === 'assessment' ? queues.assessments : queues.deployments);
  return {
    async inspect(target) {
      const job = await queueOf(target).getJob(target.jobId);
      if (!job) return { state: 'unknown', finishedAt: null, failedReason: null };
      return {
        state: await job.getState(),
        finishedAt: job.finishedOn === undefined ? null : new Date(job.finishedOn),
        failedReason: job.failedReason || null,
      };
    },
    async rerunCompleted(target) {
      const job = await queueOf(target).getJob(target.jobId);
      if (!job || (await job.getState()) !== 'completed') return false;
      try {
        await job.retry('completed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return true;
      } catch (error) {
        // Moved on between the two reads (another replica re-ran it, or retention removed it): not ours to run.
        if ((await job.getState()) !== 'completed') return false;
        throw error;
      }
    },
  };
}
