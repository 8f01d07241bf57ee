import type { SignoffEffects } from './request-signoff.ts';
import type { AssessmentRenderRequests, SignoffRepository, SignoffScheduler, SignoffThread } from './signoff.ports.ts';
import type { SignoffRequestView } from './signoff.types.ts';

export interface SignoffEffectsDeps {
  signoffs: Pick<SignoffRepository, 'attachMessage'>;
  thread: SignoffThread;
  scheduler: AssessmentRenderRequests & SignoffScheduler;
}

export interface AllSignoffEffects extends SignoffEffects {
  notifyExpired(request: SignoffRequestView): Promise<void>;
  announceOverride(request: SignoffRequestView): Promise<void>;
}

/** What a sign-off change does outside the database: the thread message, the badge, the announcement, the timer. */
export function createSignoffEffects(deps: SignoffEffectsDeps): AllSignoffEffects {
  // The render reads the database when it runs, so the messages catch up with anything since.
  async function rerender(request: SignoffRequestView): Promise<void> {
    await deps.scheduler.requestSignoffRender(request.id);
    await deps.scheduler.requestRender(request.assessmentId);
  }

  return {
    async publish(request) {
      if (request.messageTs === null) {
        const messageTs = await deps.thread.postRequest(request);
        if (messageTs) await deps.signoffs.attachMessage(request.id, messageTs);
      }
      await rerender(request);
    },
    async announce(request, outcome) {
      await deps.thread.announceDecision(request, outcome);
      await rerender(request);
    },
    async scheduleExpiry(request) {
      await deps.scheduler.scheduleSignoffExpiry(request.id, request.expiresAt);
    },
    async announceOverride(request) {
      await deps.thread.announceOverride(request);
    },
    async notifyExpired(request) {
      await deps.thread.announceExpiry(request);
      await rerender(request);
    },
  };
}
