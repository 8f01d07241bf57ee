import type { Queue } from 'bullmq';
import type { JobSnapshot, RecoveryTarget } from '../recovery/decide-recovery.ts';

/** Reads and re-runs the jobs that carry recoverable work; the sweep's only view of BullMQ. */
export interface RecoveryJobs {
  inspect(target: RecoveryTarget): Promise<JobSnapshot>;
  /** Moves a completed job back to waiting, to run again; false when it is no longer completed (another replica did it). */
  rerunCompleted(target: RecoveryTarget): Promise<boolean>;
}

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
