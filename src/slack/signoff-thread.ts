import type { SignoffThread } from '../approvals/signoff.ports.ts';
import { roleMentions } from './role-mentions.ts';
import type { RoleDirectory } from '../roles/role-directory.ts';
import type { ChatPort } from './assessment-message.publisher.ts';
import { mentionUser } from './escape.ts';
import { renderDecisionAnnouncement, renderOverrideAnnouncement } from './views/signoff-announcement.ts';
import { renderSignoffMessage } from './views/signoff-message.ts';

export interface SignoffThreadDeps {
  chat: Pick<ChatPort, 'postMessage'>;
  roles: Pick<RoleDirectory, 'holders'>;
}

/** The sign-off conversation in the assessment's thread, in Slack's words and blocks. */
export function slackSignoffThread(deps: SignoffThreadDeps): SignoffThread {
  const inThread = (request: { channelId: string; threadTs: string }) => ({ channel: request.channelId, thread_ts: request.threadTs });
  return {
    async postRequest(request) {
      const posted = await deps.chat.postMessage({ ...inThread(request), ...renderSignoffMessage(request, roleMentions(deps.roles)) });
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
      await deps.chat.postMessage({
        ...inThread(request),
        text: `${mentionUser(request.requestedBy)} the sign-off request for ${request.service} → ${request.environment} expired before every sign-off was in. Run a new assessment to ask again.`,
      });
    },
  };
}
