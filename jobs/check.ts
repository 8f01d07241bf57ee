import type { Job } from 'bullmq';
import { executeCheck, type ExecuteCheckDeps } from '../src/assessments/execute-check.ts';
import { CheckJobData, parseJobData } from './job-data.ts';

/** One readiness check: run it under its timeout and record the outcome. */
export function checkProcessor(deps: ExecuteCheckDeps) {
  return async (job: Job) => {
    const input = parseJobData(CheckJobData, job.data, 'check');
    return executeCheck(deps, { ...input, attempt: job.attemptsMade + 1 });
  };
}
