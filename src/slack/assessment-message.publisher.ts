import type { AssessmentRepository, AssessmentScheduler, PublishResult } from '../assessments/assessment.ports.ts';
import type { AssessmentView } from '../assessments/assessment.types.ts';
import { renderAssessmentMessage } from './views/assessment-message.ts';
import type { SignoffBadge } from '../approvals/badge.ts';

/** The Web API calls the assessment message needs; WebClient['chat'] satisfies it. */
export interface ChatPort {
  postMessage(args: {
    channel: string;
    text: string;
    blocks?: Record<string, unknown>[];
    thread_ts?: string;
    reply_broadcast?: boolean;
    /** Slack message metadata: carries the id of the intent behind a post, so a repeat can find it (see findPosted). */
    metadata?: PostIntent;
  }): Promise<{ ts?: string | undefined }>;
  /**
   * The ts of a message this app already posted in the channel carrying the given intent's metadata, if any
   * (conversations.history with include_all_metadata): chat.postMessage has no idempotency key, so a process that
   * takes over a post looks first.
   */
  findPosted?(args: { channel: string; intent: PostIntent; oldest: Date; threadTs?: string }): Promise<string | undefined>;
  update(args: { channel: string; ts: string; text: string; blocks: Record<string, unknown>[] }): Promise<unknown>;
  /** Removes a message this app posted (a duplicate it could not record). */
  delete(args: { channel: string; ts: string }): Promise<unknown>;
}

/** Slack's message metadata, used as the idempotency key chat.postMessage lacks. */
export interface PostIntent {
  event_type: string;
  event_payload: { intent_id: string };
}

/** The intent behind an assessment's first message: one per assessment. */
export const assessmentPostIntent = (assessmentId: string): PostIntent => ({
  event_type: 'readiness_assessment_message',
  event_payload: { intent_id: `assessment:${assessmentId}` },
});

export interface MessageDeps {
  assessments: Pick<AssessmentRepository, 'find' | 'attachMessage'>;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  chat: ChatPort;
  /** Where sign-off stands for the assessment, when its environment has a sign-off policy. */
  signoffBadge?: ((view: AssessmentView) => Promise<SignoffBadge | undefined>) | undefined;
}

/**
 * How long a claim to post an assessment's first message holds before another process may take it over: longer
 * than one chat.postMessage can take with the client's timeout and retries (3 x 10 s), so a claimant that is
 * still posting is not overtaken, yet a claimant that died delays the message by at most this much.
 * @defaultValue 60000
 */
export const MESSAGE_CLAIM_LEASE_MS = 60_000;

export interface PublishDeps extends MessageDeps {
  assessments: Pick<AssessmentRepository, 'find' | 'attachMessage' | 'claimMessage' | 'releaseMessageClaim'>;
  now: () => Date;
  /** See MESSAGE_CLAIM_LEASE_MS. @defaultValue 60000 */
  claimLeaseMs?: number | undefined;
  /**
   * Look in the channel for an earlier post of this message before posting: set where a post may already have
   * happened (the intake job runs when the bot may have died between Slack's OK and its database write).
   * @defaultValue false
   */
  lookBeforePosting?: boolean | undefined;
}

/** Finds an earlier post of the message (see lookBeforePosting), or posts it with its intent as metadata. */
async function findOrPost(deps: PublishDeps, view: AssessmentView): Promise<string> {
  const intent = assessmentPostIntent(view.id);
  if (deps.lookBeforePosting === true && deps.chat.findPosted !== undefined) {
    // A minute's slack on the clock: the message cannot be older than the assessment.
    const earlier = await deps.chat.findPosted({ channel: view.channelId, intent, oldest: new Date(view.createdAt.getTime() - 60_000) });
    if (earlier !== undefined) return earlier;
  }
  const response = await deps.chat.postMessage({ channel: view.channelId, ...renderAssessmentMessage(view), metadata: intent });
  if (response.ts === undefined) throw new Error('chat.postMessage returned no ts');
  return response.ts;
}

/**
 * Posts the first version of the message, once per assessment whoever calls (the bot after its ack, the intake job
 * in a worker): only the holder of the claim posts. Later versions go through refreshAssessmentMessage.
 */
export async function publishAssessmentMessage(deps: PublishDeps, view: AssessmentView): Promise<PublishResult> {
  if (view.messageTs !== null) return { outcome: 'already_posted' };
  const leaseMs = deps.claimLeaseMs ?? MESSAGE_CLAIM_LEASE_MS;
  const claimedAt = deps.now();
  const claim = await deps.assessments.claimMessage(view.id, claimedAt, new Date(claimedAt.getTime() - leaseMs));
  if (!claim.claimed) {
    return claim.reason === 'claimed'
      ? { outcome: 'being_posted', claimExpiresAt: new Date(claim.claimedAt.getTime() + leaseMs) }
      : { outcome: 'already_posted' };
  }
  let ts: string;
  try {
    ts = await findOrPost(deps, view);
  } catch (error) {
    // Nothing was posted: the next claimant (the intake job) may post at once rather than wait out the lease.
    await deps.assessments.releaseMessageClaim(view.id, claimedAt).catch(() => false);
    throw error;
  }
  // A failure here leaves the claim to go stale. The message is not deleted: the update may have committed after all,
  // and a recorded message that was deleted would leave the channel with none.
  if (!(await deps.assessments.attachMessage(view.id, ts))) {
    // Only when this post outlived its lease and the process that took over attached its own first.
    await deps.chat.delete({ channel: view.channelId, ts }).catch(() => undefined);
    return { outcome: 'already_posted' };
  }
  // Checks may have finished since the view was read; one render catches the message up.
  await deps.scheduler.requestRender(view.id);
  return { outcome: 'posted', messageTs: ts };
}

export type RefreshResult = 'updated' | 'no_message_yet' | 'not_found';

/** Re-renders the message from the database: Slack shows what the database says, whatever came before. */
export async function refreshAssessmentMessage(deps: Omit<MessageDeps, 'scheduler'>, assessmentId: string): Promise<RefreshResult> {
  const view = await deps.assessments.find(assessmentId);
  if (!view) return 'not_found';
  if (view.messageTs === null) return 'no_message_yet';
  const signoff = await deps.signoffBadge?.(view);
  await deps.chat.update({ channel: view.channelId, ts: view.messageTs, ...renderAssessmentMessage(view, { signoff }) });
  return 'updated';
}
