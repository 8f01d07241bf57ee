import type { SignoffRepository } from './signoff.ports.ts';
import type { SignoffRequestView } from './signoff.types.ts';

export interface ExpireSignoffDeps {
  signoffs: Pick<SignoffRepository, 'expire'>;
  /** Tells the requester in the thread and re-renders the messages (`createSignoffEffects().notifyExpired`). */
  notifyExpired(request: SignoffRequestView): Promise<void>;
  /** Posts the notices a request is still owed (its expiry notice, when the run that expired it died first). */
  deliverOwedNotices?(requestId: string): Promise<void>;
  now: () => Date;
}

export type ExpireSignoffOutcome = 'expired' | 'not_pending';

/**
 * The expiry timer of a sign-off request fired: PENDING -> EXPIRED once (a guarded transition), then the
 * requester is told. A request already decided, or expired by an earlier run of the timer, changes nothing, but
 * gets the notices the outbox still owes it: that earlier run may have died between the commit and the post.
 */
export async function expireSignoff(deps: ExpireSignoffDeps, requestId: string): Promise<ExpireSignoffOutcome> {
  const expired = await deps.signoffs.expire(requestId, deps.now());
  if (!expired) {
    await deps.deliverOwedNotices?.(requestId);
    return 'not_pending';
  }
  await deps.notifyExpired(expired);
  return 'expired';
}
