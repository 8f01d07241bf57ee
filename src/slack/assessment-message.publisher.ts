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
  }): Promise<{ ts?: string | undefined }>;
  update(args: { channel: string; ts: string; text: string; blocks: Record<string, unknown>[] }): Promise<unknown>;
  /** Removes a message this app posted (a duplicate it could not record). */
  delete(args: { channel: string; ts: string }): Promise<unknown>;
}

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
    const response = await deps.chat.postMessage({ channel: view.channelId, ...renderAssessmentMessage(view) });
    if (response.ts === undefined) throw new Error('chat.postMessage returned no ts');
    ts = response.ts;
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
