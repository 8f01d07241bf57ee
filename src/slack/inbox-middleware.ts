import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';
import { errorHeadline } from '../shared/text.ts';
import { errorFields, type Logger } from '../shared/logger.ts';
import { withTimeout } from '../shared/timeout.ts';
import type { InFlightRequests } from './in-flight-requests.ts';
import { messages } from './messages.ts';
import type { InboxStore, RecordOutcome } from '../intake/request-inbox.ports.ts';
import { inboxEntryOf } from './request-inbox.ts';
import { refuseRequest } from './refuse-request.ts';

/**
 * The longest the inbox INSERT may hold up an ack. It takes a millisecond or two; a Postgres that accepted the
 * connection but does not answer must not cost the user Slack's 3 s.
 * @defaultValue 1000
 */
export const INBOX_RECORD_TIMEOUT_MS = 1000;

export interface InboxMiddlewareDeps {
  store: Pick<InboxStore, 'record' | 'finish'>;
  inFlight: InFlightRequests;
  /** QUEUE_PREFIX: whose workers replay what this bot recorded. */
  scope: string;
  leaseMs: number;
  logger: Logger;
}

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

/**
 * Not durable, so not accepted: the user is told nothing was started. Should the INSERT land after all, the row is
 * finished as FAILED at once, so no worker ever replays what the user was told did not happen.
 */
async function refuseUnrecorded(args: Args, recording: Promise<unknown>, key: string, error: unknown, deps: InboxMiddlewareDeps): Promise<void> {
  void recording
    .then(
      () => deps.store.finish(key, 'FAILED'),
      () => undefined,
    )
    .catch(() => undefined);
  await refuseRequest(args, messages.unavailable('database', errorHeadline(error)));
}

/**
 * Global Bolt middleware, before every listener and so before every ack: records the request in the inbox (see
 * request-inbox.ts), lets the listener run, and marks the request finished once the listener (post-ack work
 * included) is done.
 *
 * The same request again (Slack or a proxy delivering it twice, a second replica) runs through its handler
 * unrecorded, as a click on a button from before the message changed does: every handler finds its effect by the
 * request's key or by a guarded transition (which a replay needs anyway), so nothing happens twice, and whoever
 * is looking at the second delivery gets an answer too ("Posting the full report…", "already acknowledged by …")
 * instead of silence. Only the first delivery is tracked, finished and, should its process die, replayed.
 *
 * When Postgres does not answer in time (INBOX_RECORD_TIMEOUT_MS), a command or click is refused with the
 * database's unavailability, never acked as if it would happen.
 */
export function inboxMiddleware(deps: InboxMiddlewareDeps) {
  return async (args: Args) => {
    const entry = inboxEntryOf(args.body);
    if (!entry) return args.next();
    let outcome: RecordOutcome | 'unknown' = 'unknown';
    const recording = deps.store.record(entry, deps.scope, deps.leaseMs);
    try {
      outcome = (await withTimeout(recording, INBOX_RECORD_TIMEOUT_MS)).outcome;
    } catch (error) {
      deps.logger.warn('could not record a Slack request in the inbox', { kind: entry.kind, ...errorFields(error) });
      if (entry.kind !== 'view_submission') return refuseUnrecorded(args, recording, entry.key, error, deps);
      // A modal has no response URL to refuse through: its handler runs unrecorded, and needing the database as
      // well, tells the user in the channel that it failed.
    }
    if (outcome === 'in_progress' || outcome === 'finished') {
      deps.logger.debug('Slack request delivered again; handled unrecorded, its effect found by its key', { key: entry.key, outcome });
      return args.next();
    }
    await deps.inFlight.run(entry.key, async () => {
      let finished: 'DONE' | 'FAILED' = 'FAILED';
      try {
        await args.next();
        finished = 'DONE';
      } finally {
        // An INSERT that outlived its timeout may still land: finish the row only after it, or it would be replayed.
        if (outcome === 'unknown') await recording.catch(() => undefined);
        // A listener that threw has told the user (error middleware); replaying it would say it twice.
        await deps.store
          .finish(entry.key, finished)
          .catch((error: unknown) =>
            deps.logger.warn('could not mark a Slack request finished; a worker will replay it', { key: entry.key, ...errorFields(error) }),
          );
      }
    });
  };
}
