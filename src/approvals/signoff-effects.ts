import type { SignoffEffects } from './request-signoff.ts';
import type { AssessmentRenderRequests, SignoffNotices, SignoffRepository, SignoffScheduler, SignoffThread } from './signoff.ports.ts';
import type { SignoffRequestView } from './signoff.types.ts';

export interface SignoffEffectsDeps {
  signoffs: Pick<SignoffRepository, 'attachMessage'>;
  thread: SignoffThread;
  scheduler: AssessmentRenderRequests & SignoffScheduler;
  /**
   * The notice outbox. When given, decision, override and expiry notices are posted from it (owed in the transition's
   * transaction, so a crash right after the commit loses none); without it they are posted directly.
   */
  notices?: { outbox: SignoffNotices; now: () => Date } | undefined;
}

export interface AllSignoffEffects extends SignoffEffects {
  notifyExpired(request: SignoffRequestView): Promise<void>;
  announceOverride(request: SignoffRequestView): Promise<void>;
  /** Posts whatever notices the request is still owed (after a crash, a redelivered job or a replayed click). */
  deliverOwedNotices(request: SignoffRequestView): Promise<void>;
}

/** What a sign-off change does outside the database: the thread message, the badge, the announcement, the timer. */
export function createSignoffEffects(deps: SignoffEffectsDeps): AllSignoffEffects {
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
      await outbox.recordAttempt(notice.key);
      // An earlier attempt may have reached Slack before its process died: look for its post first.
      const ts = await deps.thread.postNotice(request, notice, { lookFirst: notice.attempts > 0 });
      await outbox.markSent(notice.key, ts, now());
    }
    return true;
  }

  return {
    async deliverOwedNotices(request) {
      await deliverOwed(request);
    },
    async publish(request) {
      if (request.messageTs === null) {
        const messageTs = await deps.thread.postRequest(request);
        if (messageTs) await deps.signoffs.attachMessage(request.id, messageTs);
      }
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
