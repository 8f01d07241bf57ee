import type { Job } from 'bullmq';
import { expireSignoff, type ExpireSignoffDeps } from '../src/approvals/expire-signoff.ts';
import { parseJobData, SignoffJobData } from './job-data.ts';

/** The expiry timer of a sign-off request. */
export function signoffProcessor(deps: ExpireSignoffDeps) {
  return async (job: Job) => expireSignoff(deps, parseJobData(SignoffJobData, job.data, 'signoff').requestId);
}
