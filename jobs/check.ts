import { type Job, UnrecoverableError } from 'bullmq';
import { CheckBatchFailure, runCheckBatch, type CheckBatchDeps } from '../src/assessments/run-check-batch.ts';
import { completeRecordedAssessment } from '../src/assessments/finish-assessment.ts';
import { createOutcomeRecorder } from '../src/assessments/outcome-recorder.ts';
import type { AssessmentRepository } from '../src/assessments/assessment.ports.ts';
import { classifyInfrastructureError, infrastructureErrorDetail } from '../src/assessments/infrastructure-error.ts';
import {
  decideInfrastructureRetry,
  DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS,
  infrastructureGiveUpReason,
} from '../src/assessments/infrastructure-retry.ts';
import { createLimiter } from '../src/shared/limiter.ts';
import { ChecksJobData, parseJobData } from './job-data.ts';

export type CheckProcessorDeps = Pick<CheckBatchDeps, 'runCheck' | 'scheduler' | 'now'> & {
  assessments: Pick<AssessmentRepository, 'findCheckSpecs' | 'markRunning' | 'countUnfinishedChecks' | 'recordCheckOutcomes' | 'complete'>;
  /** Checks this process runs at once, over every batch (WORKER_CONCURRENCY). */
  checksInFlight: number;
  /** How long a check retries while our database or Redis fails. @defaultValue DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS */
  infrastructureRetryWindowMs?: number | undefined;
};

/** When this job's first attempt failed on our infrastructure, kept in its data so every worker measures the same window. */
const failingSinceOf = (data: unknown): number | undefined => {
  const value = (data as { infrastructureFailingSince?: unknown } | null)?.infrastructureFailingSince;
  return typeof value === 'number' ? value : undefined;
};

/**
 * A batch of checks of one assessment (or one check, a job of the first design): see runCheckBatch. A throw here is
 * never the service's doing (a failing check is a recorded result). Our database or Redis failing is retried with
 * backoff for the window, then given up with a reason that makes the assessment end "could not assess"; a runner
 * that crashed is retried (only its unrecorded checks run again) until runCheckBatch records it ERROR.
 */
export function checkProcessor(deps: CheckProcessorDeps) {
  // One recorder and one bound per process: the batches running at once share their writes and the check slots.
  const batchDeps: CheckBatchDeps = {
    ...deps,
    recordOutcome: createOutcomeRecorder(deps),
    slot: createLimiter(deps.checksInFlight),
    finish: (assessmentId) => completeRecordedAssessment(deps, assessmentId),
  };
  const windowMs = deps.infrastructureRetryWindowMs ?? DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS;
  return async (job: Job) => {
    const input = parseJobData(ChecksJobData, job.data, 'checks');
    try {
      return await runCheckBatch(batchDeps, { ...input, attempt: job.attemptsMade + 1 });
    } catch (thrown) {
      if (thrown instanceof UnrecoverableError) throw thrown;
      const error = thrown instanceof CheckBatchFailure ? thrown.decisive : thrown;
      const now = Date.now();
      const known = failingSinceOf(job.data);
      const decision = decideInfrastructureRetry({
        failingSince: known ?? now,
        now,
        windowMs,
        attempt: job.attemptsMade + 1,
        component: classifyInfrastructureError(error),
        detail: infrastructureErrorDetail(error),
      });
      if (decision.action === 'give_up') throw new UnrecoverableError(infrastructureGiveUpReason(decision.cause));
      // runCheckBatch records a crashing check ERROR on its last attempt; this is the case of a batch that crashed
      // outside any one check. The assessment records its unfinished checks ERROR with this reason.
      if (decision.action === 'check_error') throw new UnrecoverableError(decision.reason);
      // Best effort: when Redis itself is down this fails too, and the next attempt starts the window again.
      if (known === undefined) await job.updateData({ ...(job.data as object), infrastructureFailingSince: now }).catch(() => undefined);
      throw error;
    }
  };
}
