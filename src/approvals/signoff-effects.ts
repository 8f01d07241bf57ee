import type { AssessmentScheduler, SignoffScheduler } from '../queue/queues.ts';
import type { RoleDirectory } from '../roles/role-directory.ts';
import type { ChatPort } from '../slack/assessment-message.publisher.ts';
import { mentionUser } from '../slack/escape.ts';
import { renderDecisionAnnouncement, renderOverrideAnnouncement } from '../slack/views/signoff-announcement.ts';
import { renderSignoffMessage } from '../slack/views/signoff-message.ts';
import type { SignoffRepository } from '../store/signoffs.repository.ts';
import type { SignoffEffects } from './request-signoff.ts';
import type { SignoffRequestView } from './signoff.types.ts';

export interface SignoffEffectsDeps {
  signoffs: Pick<SignoffRepository, 'attachMessage' | 'findById'>;
  chat: ChatPort;
  scheduler: Pick<AssessmentScheduler, 'requestRender'> & SignoffScheduler;
  roles: Pick<RoleDirectory, 'mentions'>;
}

/** What a sign-off change does outside the database: the thread message, the badge, the announcement, the timer. */
export function createSignoffEffects(deps: SignoffEffectsDeps): SignoffEffects & {
  notifyExpired(request: SignoffRequestView): Promise<void>;
  announceOverride(request: SignoffRequestView): Promise<void>;
} {
  return {
    async publish(request) {
      if (request.messageTs === null) {
        const posted = await deps.chat.postMessage({
          channel: request.channelId,
          thread_ts: request.threadTs,
          ...renderSignoffMessage(request, (role) => deps.roles.mentions(role)),
        });
        if (posted.ts) await deps.signoffs.attachMessage(request.id, posted.ts);
      }
      // The render reads the database when it runs, so the message catches up with anything since.
      await deps.scheduler.requestSignoffRender(request.id);
      await deps.scheduler.requestRender(request.assessmentId);
    },
    async announce(request, outcome) {
      await deps.chat.postMessage({ channel: request.channelId, thread_ts: request.threadTs, ...renderDecisionAnnouncement(request, outcome) });
      await deps.scheduler.requestSignoffRender(request.id);
      await deps.scheduler.requestRender(request.assessmentId);
    },
    async scheduleExpiry(request) {
      await deps.scheduler.scheduleSignoffExpiry(request.id, request.expiresAt);
    },
    async announceOverride(request) {
      // Broadcast to the channel as well: an override must not hide in a thread.
      await deps.chat.postMessage({
        channel: request.channelId,
        thread_ts: request.threadTs,
        reply_broadcast: true,
        ...renderOverrideAnnouncement(request),
      });
    },
    async notifyExpired(request) {
      await deps.chat.postMessage({
        channel: request.channelId,
        thread_ts: request.threadTs,
        text: `${mentionUser(request.requestedBy)} the sign-off request for ${request.service} → ${request.environment} expired before every sign-off was in. Run a new assessment to ask again.`,
      });
      await deps.scheduler.requestSignoffRender(request.id);
      await deps.scheduler.requestRender(request.assessmentId);
    },
  };
}
