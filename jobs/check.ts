import { type Job, UnrecoverableError } from 'bullmq';
import { CheckBatchFailure, runCheckBatch, type CheckBatchDeps } from '../src/assessments/run-check-batch.ts';
import { completeRecordedAssessment } from '../src/assessments/finish-assessment.ts';
import { createOutcomeRecorder } from '../src/assessments/outcome-recorder.ts';
import { oncePerAssessmentAtATime, startOncePerAssessment } from '../src/assessments/shared-batch-steps.ts';
import type { AssessmentRepository } from '../src/assessments/assessment.ports.ts';
import { classifyInfrastructureError, infrastructureErrorDetail } from '../src/assessments/infrastructure-error.ts';
import {
  decideInfrastructureRetry,
  DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS,
  extendOutage,
  infrastructureGiveUpReason,
} from '../src/assessments/infrastructure-retry.ts';
import { createLimiter } from '../src/shared/limiter.ts';
import { ChecksJobData, parseJobData } from './job-data.ts';
import { outageFields, retryNoteOf } from './outage-note.ts';

export type CheckProcessorDeps = Pick<CheckBatchDeps, 'runCheck' | 'scheduler' | 'now'> & {
  assessments: Pick<AssessmentRepository, 'findCheckSpecs' | 'markRunning' | 'countUnfinishedChecks' | 'recordCheckOutcomes' | 'complete'>;
  /** Checks this process runs at once, over every batch (WORKER_CONCURRENCY). */
  checksInFlight: number;
  /** How long a check retries while our database or Redis fails. @defaultValue DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS */
  infrastructureRetryWindowMs?: number | undefined;
};

/** How often each check of the batch crashed (not outage failures), kept in the job's data like its RetryNote. */
const checkCrashesOf = (data: unknown): Record<string, number> => {
  const value = (data as { checkCrashes?: unknown } | null)?.checkCrashes;
  return typeof value === 'object' && value !== null ? (value as Record<string, number>) : {};
};

/** Each check that crashed on this attempt (for a reason other than our infrastructure) counts one more crash. */
function countCrashes(crashes: Record<string, number>, failure: CheckBatchFailure): Record<string, number> {
  const next = { ...crashes };
  for (const { checkId, error } of failure.failures) {
    if (classifyInfrastructureError(error) === 'internal') next[checkId] = (next[checkId] ?? 0) + 1;
  }
  return next;
}

/**
 * A batch of checks of one assessment (or one check, a job of the first design): see runCheckBatch. A throw here is
 * never the service's doing (a failing check is a recorded result). Our database or Redis failing is retried with
 * backoff for the window, then given up with a reason that makes the assessment end "could not assess"; a runner
 * that crashed is retried (only its unrecorded checks run again) until runCheckBatch records it ERROR.
 */
export function checkProcessor(deps: CheckProcessorDeps) {
  // One recorder and one bound per process: the batches running at once share their writes and the check slots,
  // and those of one assessment share its start and, finishing together, their count of the checks left and the completion.
  const batchDeps: CheckBatchDeps = {
    ...deps,
    assessments: {
      ...deps.assessments,
      markRunning: startOncePerAssessment((id, at) => deps.assessments.markRunning(id, at)),
      countUnfinishedChecks: oncePerAssessmentAtATime((id) => deps.assessments.countUnfinishedChecks(id)),
    },
    recordOutcome: createOutcomeRecorder(deps),
    slot: createLimiter(deps.checksInFlight),
    finish: oncePerAssessmentAtATime((assessmentId) => completeRecordedAssessment(deps, assessmentId)),
  };
  const windowMs = deps.infrastructureRetryWindowMs ?? DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS;
  return async (job: Job) => {
    const input = parseJobData(ChecksJobData, job.data, 'checks');
    const crashes = checkCrashesOf(job.data);
    try {
      return await runCheckBatch(batchDeps, { ...input, attempt: job.attemptsMade + 1, crashes });
    } catch (thrown) {
      if (thrown instanceof UnrecoverableError) throw thrown;
      const error = thrown instanceof CheckBatchFailure ? thrown.decisive : thrown;
      const component = classifyInfrastructureError(error);
      const now = Date.now();
      const note = retryNoteOf(job.data);
      // Only the current run of outage failures counts towards the window, and only other failures spend the
      // error budget: job.attemptsMade counts both (a blip would shorten the budget, an old outage the window).
      const outage = component === 'internal' ? note.outage : extendOutage(note.outage, now);
      const crashedChecks = thrown instanceof CheckBatchFailure && component === 'internal';
      const errorAttempts = component === 'internal' && !crashedChecks ? note.errorAttempts + 1 : note.errorAttempts;
      const decision = decideInfrastructureRetry({
        failingSince: outage?.since ?? now,
        now,
        windowMs,
        // Crashed checks are runCheckBatch's to record ERROR, each on its own crash count: the batch just retries.
        attempt: crashedChecks ? 1 : errorAttempts,
        component,
        detail: infrastructureErrorDetail(error),
      });
      if (decision.action === 'give_up') throw new UnrecoverableError(infrastructureGiveUpReason(decision.cause));
      // runCheckBatch records a crashing check ERROR on its last crash; this is the case of a batch that crashed
      // outside any one check. The assessment records its unfinished checks ERROR with this reason.
      if (decision.action === 'check_error') throw new UnrecoverableError(decision.reason);
      const checkCrashes = thrown instanceof CheckBatchFailure ? countCrashes(crashes, thrown) : crashes;
      // Best effort: when Redis itself is down this fails too, and the next attempt starts the window again.
      await job.updateData({ ...(job.data as object), ...(outage ? outageFields(outage) : {}), errorAttempts, checkCrashes }).catch(() => undefined);
      throw error;
    }
  };
}
