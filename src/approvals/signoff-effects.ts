import type { SignoffEffects } from './request-signoff.ts';
import type { AssessmentRenderRequests, SignoffNotices, SignoffRepository, SignoffScheduler, SignoffThread } from './signoff.ports.ts';
import type { SignoffRequestView } from './signoff.types.ts';

/**
 * How long one process holds the right to post a sign-off message or notice before another may take it over:
 * longer than one post can take with the client's retries (no retry starts 30 s after the first attempt), so a
 * poster still at work is not overtaken, yet one that died delays the post by at most this much.
 * @defaultValue 60000
 */
export const SIGNOFF_POST_LEASE_MS = 60_000;

export interface SignoffEffectsDeps {
  signoffs: Pick<SignoffRepository, 'attachMessage' | 'claimMessage' | 'releaseMessageClaim'>;
  thread: SignoffThread;
  scheduler: AssessmentRenderRequests & SignoffScheduler;
  /**
   * The notice outbox. When given, decision, override and expiry notices are posted from it (owed in the transition's
   * transaction, so a crash right after the commit loses none); without it they are posted directly.
   */
  notices?: { outbox: SignoffNotices; now: () => Date } | undefined;
  /** See SIGNOFF_POST_LEASE_MS. */
  postLeaseMs?: number | undefined;
}

export interface AllSignoffEffects extends SignoffEffects {
  notifyExpired(request: SignoffRequestView): Promise<void>;
  announceOverride(request: SignoffRequestView): Promise<void>;
  /** Posts whatever notices the request is still owed (after a crash, a redelivered job or a replayed click). */
  deliverOwedNotices(request: SignoffRequestView): Promise<void>;
}

/** What a sign-off change does outside the database: the thread message, the badge, the announcement, the timer. */
export function createSignoffEffects(deps: SignoffEffectsDeps): AllSignoffEffects {
  const leaseMs = deps.postLeaseMs ?? SIGNOFF_POST_LEASE_MS;
  // The render reads the database when it runs, so the messages catch up with anything since.
  async function rerender(request: SignoffRequestView): Promise<void> {
    await deps.scheduler.requestSignoffRender(request.id);
    await deps.scheduler.requestRender(request.assessmentId);
  }

  /** Posts the request's owed notices in order; true when the outbox did it (false: no outbox, post directly). */
  async function deliverOwed(request: SignoffRequestView): Promise<boolean> {
    if (deps.notices === undefined) return false;
    const { outbox, now } = deps.notices;
    for (const notice of await outbox.pending(request.id)) {
      const claim = await outbox.claimAttempt(notice.key, leaseMs);
      // Sent meanwhile, or another process is posting it now: that one marks it sent, or its lease runs out and
      // the recovery sweep (or the next touch) posts it.
      if (!claim.claimed) continue;
      let ts: string | undefined;
      try {
        // An earlier attempt may have reached Slack before its process died: look for its post first.
        ts = await deps.thread.postNotice(request, notice, { lookFirst: claim.earlierAttempts > 0 });
      } catch (error) {
        await outbox.releaseAttempt(notice.key, claim.earlierAttempts + 1).catch(() => undefined);
        throw error;
      }
      await outbox.markSent(notice.key, ts, now());
    }
    return true;
  }

  /**
   * Posts the request's message once whoever calls (its creator, a click, the recovery sweep): only the holder of
   * the claim posts, and a claim after an earlier one looks for that one's post first, since chat.postMessage has
   * no idempotency key and a process can die between Slack's OK and recording the message.
   */
  async function postRequestOnce(request: SignoffRequestView): Promise<void> {
    const claim = await deps.signoffs.claimMessage(request.id, leaseMs);
    if (!claim.claimed) return;
    let messageTs: string | undefined;
    try {
      messageTs = await deps.thread.postRequest(request, { lookFirst: claim.earlierAttempts > 0 });
    } catch (error) {
      // The count stays: the post may have reached Slack all the same, so the next claimant looks first.
      await deps.signoffs.releaseMessageClaim(request.id, claim.earlierAttempts + 1).catch(() => false);
      throw error;
    }
    if (messageTs) await deps.signoffs.attachMessage(request.id, messageTs);
  }

  return {
    async deliverOwedNotices(request) {
      await deliverOwed(request);
    },
    async publish(request) {
      if (request.messageTs === null) await postRequestOnce(request);
      await rerender(request);
    },
    async announce(request, outcome) {
      if (!(await deliverOwed(request))) await deps.thread.announceDecision(request, outcome);
      await rerender(request);
    },
    async scheduleExpiry(request) {
      await deps.scheduler.scheduleSignoffExpiry(request.id, request.expiresAt);
    },
    async announceOverride(request) {
      if (!(await deliverOwed(request))) await deps.thread.announceOverride(request);
    },
    async notifyExpired(request) {
      if (!(await deliverOwed(request))) await deps.thread.announceExpiry(request);
      await rerender(request);
    },
  };
}
