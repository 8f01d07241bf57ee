import type { Job } from 'bullmq';
import type { SignoffRequestView } from '../src/approvals/signoff.types.ts';
import type { SignoffRepository } from '../src/approvals/signoff.ports.ts';
import { parseJobData, SignoffJobData } from './job-data.ts';

export interface SignoffJobDeps {
  signoffs: Pick<SignoffRepository, 'expire'>;
  notifyExpired(request: SignoffRequestView): Promise<void>;
  /** Posts the notices the request is still owed (its expiry notice, when the run that expired it died first). */
  deliverOwedNotices?(requestId: string): Promise<void>;
  now: () => Date;
}

/** The expiry timer of a sign-off request: PENDING -> EXPIRED once, then the requester is told. */
export function signoffProcessor(deps: SignoffJobDeps) {
  return async (job: Job) => {
    const { requestId } = parseJobData(SignoffJobData, job.data, 'signoff');
    const expired = await deps.signoffs.expire(requestId, deps.now());
    if (!expired) {
      // Expired by an earlier run that may have died before its notice went out: the outbox still owes it.
      await deps.deliverOwedNotices?.(requestId);
      return 'not_pending';
    }
    await deps.notifyExpired(expired);
    return 'expired';
  };
}
