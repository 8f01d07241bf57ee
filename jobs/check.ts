import type { Job } from 'bullmq';
import { createCheckLoader, type CheckLoaderDeps } from '../src/assessments/check-loader.ts';
import { executeCheck, type ExecuteCheckDeps } from '../src/assessments/execute-check.ts';
import { createOutcomeRecorder } from '../src/assessments/outcome-recorder.ts';
import type { AssessmentRepository } from '../src/assessments/assessment.ports.ts';
import { CheckJobData, parseJobData } from './job-data.ts';

export type CheckProcessorDeps = Omit<ExecuteCheckDeps, 'loadCheck' | 'recordOutcome'> &
  CheckLoaderDeps & { assessments: Pick<AssessmentRepository, 'recordCheckOutcomes'> };

/** One readiness check: run it under its timeout and record the outcome. */
export function checkProcessor(deps: CheckProcessorDeps) {
  // One loader and one recorder per worker: the check jobs this process runs at once share their queries.
  const execute: ExecuteCheckDeps = { ...deps, loadCheck: createCheckLoader(deps), recordOutcome: createOutcomeRecorder(deps) };
  return async (job: Job) => {
    const input = parseJobData(CheckJobData, job.data, 'check');
    return executeCheck(execute, { ...input, attempt: job.attemptsMade + 1 });
  };
}
