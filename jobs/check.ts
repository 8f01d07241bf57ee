import { type Job, UnrecoverableError } from 'bullmq';
import { createCheckLoader, type CheckLoaderDeps } from '../src/assessments/check-loader.ts';
import { executeCheck, type ExecuteCheckDeps } from '../src/assessments/execute-check.ts';
import { createOutcomeRecorder } from '../src/assessments/outcome-recorder.ts';
import type { AssessmentRepository } from '../src/assessments/assessment.ports.ts';
import { classifyInfrastructureError, infrastructureErrorDetail } from '../src/assessments/infrastructure-error.ts';
import {
  decideInfrastructureRetry,
  DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS,
  infrastructureGiveUpReason,
} from '../src/assessments/infrastructure-retry.ts';
import { CheckJobData, parseJobData } from './job-data.ts';

export type CheckProcessorDeps = Omit<ExecuteCheckDeps, 'loadCheck' | 'recordOutcome'> &
  CheckLoaderDeps & {
    assessments: Pick<AssessmentRepository, 'recordCheckOutcomes'>;
    /** How long a check retries while our database or Redis fails. @defaultValue DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS */
    infrastructureRetryWindowMs?: number | undefined;
  };

/** When this job's first attempt failed on our infrastructure, kept in its data so every worker measures the same window. */
const failingSinceOf = (data: unknown): number | undefined => {
  const value = (data as { infrastructureFailingSince?: unknown } | null)?.infrastructureFailingSince;
  return typeof value === 'number' ? value : undefined;
};

/**
 * One readiness check: run it under its timeout and record the outcome. A throw here is never the service's doing
 * (a failing check is a recorded result). Our database or Redis failing is retried with backoff for the window, then
 * given up with a reason that makes the assessment end "could not assess"; anything else (the runner crashed) is
 * retried a few times, then that check alone is ERROR.
 */
export function checkProcessor(deps: CheckProcessorDeps) {
  // One loader and one recorder per worker: the check jobs this process runs at once share their queries.
  const execute: ExecuteCheckDeps = { ...deps, loadCheck: createCheckLoader(deps), recordOutcome: createOutcomeRecorder(deps) };
  const windowMs = deps.infrastructureRetryWindowMs ?? DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS;
  return async (job: Job) => {
    const input = parseJobData(CheckJobData, job.data, 'check');
    try {
      return await executeCheck(execute, { ...input, attempt: job.attemptsMade + 1 });
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error;
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
      // The assessment records the check ERROR with this reason (finishAssessment) and still gives its verdict.
      if (decision.action === 'check_error') throw new UnrecoverableError(decision.reason);
      // Best effort: when Redis itself is down this fails too, and the next attempt starts the window again.
      if (known === undefined) await job.updateData({ ...input, infrastructureFailingSince: now }).catch(() => undefined);
      throw error;
    }
  };
}
