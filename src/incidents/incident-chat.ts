import type { SendNotification } from './incident.ports.ts';

/** Why a chat call failed, sorted into what to do about it: wait (429), retry (5xx, network) or give up. */
export type ChatFailureReason =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'permanent'; error: string }
  | { kind: 'transient'; error: string };

/**
 * Where incident notifications are posted. The adapter decides the words: it renders the notification from the
 * incident's state as it is at delivery, posts it, and throws every failure as a ChatFailure.
 */
export interface IncidentChat {
  deliver: SendNotification;
}

/** A chat call that failed, with what to do about it. */
export class ChatFailure extends Error {
  constructor(readonly failure: ChatFailureReason) {
    super(failure.kind === 'rate_limited' ? `rate limited for ${failure.retryAfterMs} ms` : failure.error);
    this.name = 'ChatFailure';
  }
}
