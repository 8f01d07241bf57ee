import { evaluateSignoffs } from '../approvals/progress.ts';
import type { PendingSignoffNotice, SignoffThread } from '../approvals/signoff.ports.ts';
import type { SignoffRequestView } from '../approvals/signoff.types.ts';
import { roleMentions } from './role-mentions.ts';
import type { RoleDirectory } from '../roles/role-directory.ts';
import type { ChatPort, PostIntent } from './assessment-message.publisher.ts';
import { mentionUser } from './escape.ts';
import { renderDecisionAnnouncement, renderOverrideAnnouncement } from './views/signoff-announcement.ts';
import { renderSignoffMessage } from './views/signoff-message.ts';

export interface SignoffThreadDeps {
  chat: Pick<ChatPort, 'postMessage' | 'findPosted'>;
  roles: Pick<RoleDirectory, 'holders'>;
}

/** The intent behind a sign-off request's message, carried as its metadata: one message per request. */
export const signoffRequestIntent = (requestId: string): PostIntent => ({
  event_type: 'readiness_signoff_request',
  event_payload: { intent_id: `signoff-request:${requestId}` },
});

/** The sign-off conversation in the assessment's thread, in Slack's words and blocks. */
export function slackSignoffThread(deps: SignoffThreadDeps): SignoffThread {
  const inThread = (request: { channelId: string; threadTs: string }) => ({ channel: request.channelId, thread_ts: request.threadTs });
  const expiryText = (request: SignoffRequestView) =>
    `${mentionUser(request.requestedBy)} the sign-off request for ${request.service} → ${request.environment} expired before every sign-off was in. Run a new assessment to ask again.`;
  // The notice as the thread shows it; the decision is read back from the request's own sign-offs.
  const noticeMessage = (request: SignoffRequestView, notice: PendingSignoffNotice) => {
    if (notice.kind === 'overridden') return { reply_broadcast: true, ...renderOverrideAnnouncement(request) };
    if (notice.kind === 'expired') return { text: expiryText(request) };
    const { outcome } = evaluateSignoffs(request.requirements, request.signoffs, request.verdict);
    return renderDecisionAnnouncement(request, outcome);
  };
  return {
    async postNotice(request, notice, { lookFirst }) {
      const intent = { event_type: 'readiness_signoff_notice', event_payload: { intent_id: notice.key } };
      if (lookFirst && deps.chat.findPosted !== undefined) {
        const earlier = await deps.chat.findPosted({ channel: request.channelId, threadTs: request.threadTs, intent, oldest: request.createdAt });
        if (earlier !== undefined) return earlier;
      }
      const posted = await deps.chat.postMessage({ ...inThread(request), ...noticeMessage(request, notice), metadata: intent });
      return posted.ts;
    },
    async postRequest(request, { lookFirst }) {
      const intent = signoffRequestIntent(request.id);
      if (lookFirst && deps.chat.findPosted !== undefined) {
        // A minute's slack on the clock: the message cannot be older than the request.
        const oldest = new Date(request.createdAt.getTime() - 60_000);
        const earlier = await deps.chat.findPosted({ channel: request.channelId, threadTs: request.threadTs, intent, oldest });
        if (earlier !== undefined) return earlier;
      }
      const posted = await deps.chat.postMessage({
        ...inThread(request),
        ...renderSignoffMessage(request, roleMentions(deps.roles)),
        metadata: intent,
      });
      return posted.ts;
    },
    async announceDecision(request, outcome) {
      await deps.chat.postMessage({ ...inThread(request), ...renderDecisionAnnouncement(request, outcome) });
    },
    async announceOverride(request) {
      // Broadcast to the channel as well: an override must not hide in a thread.
      await deps.chat.postMessage({ ...inThread(request), reply_broadcast: true, ...renderOverrideAnnouncement(request) });
    },
    async announceExpiry(request) {
      await deps.chat.postMessage({ ...inThread(request), text: expiryText(request) });
    },
  };
}
