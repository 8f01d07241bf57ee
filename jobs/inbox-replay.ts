import { createInFlightRequests, type InFlightRequests } from '../src/slack/in-flight-requests.ts';
import { replayBody } from '../src/slack/request-inbox.ts';
import { errorFields, type Logger } from '../src/shared/logger.ts';
import { repeatWithoutOverlap, type Repeating } from '../src/shared/repeat.ts';
import type { SlackRequestRepository } from '../src/intake/request-inbox.ports.ts';
import { replayExpiredRequests as replayExpired, type ReplayReport } from '../src/intake/replay-expired-requests.ts';

/**
 * How long a recorded request may go without its handler renewing the lease before a worker replays it: about how
 * long a user waits for the effect of a command whose bot died after acking.
 * @defaultValue 20000
 */
export const INBOX_LEASE_MS = 20_000;
/** A request still not finished after this many attempts is given up on, loudly. @defaultValue 5 */
export const INBOX_MAX_ATTEMPTS = 5;
/** How long finished requests are kept (their key recognises a late redelivery), then purged. @defaultValue 7 days */
export const INBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** How often finished requests past the retention are purged. @defaultValue 1 hour */
export const INBOX_PURGE_EVERY_MS = 60 * 60 * 1000;

export interface InboxReplayDeps {
  requests: Pick<SlackRequestRepository, 'claimExpired' | 'finish' | 'renew' | 'purgeFinished'>;
  /** Runs a request through the bot's handlers (src/slack/replay-app.ts). */
  replay(body: Record<string, unknown>): Promise<void>;
  /** QUEUE_PREFIX: only this installation's requests. */
  scope: string;
  logger: Logger;
  /** @defaultValue INBOX_LEASE_MS */
  leaseMs?: number | undefined;
  /** How often a worker looks for expired leases. @defaultValue a quarter of the lease */
  intervalMs?: number | undefined;
  /** @defaultValue INBOX_MAX_ATTEMPTS */
  maxAttempts?: number | undefined;
  /** @defaultValue INBOX_RETENTION_MS */
  retentionMs?: number | undefined;
}

/** Replays the expired requests through the bot's handlers (see the use case), each under its renewed lease. */
export function replayExpiredRequests(deps: InboxReplayDeps, inFlight: InFlightRequests): Promise<ReplayReport> {
  return replayExpired({
    requests: deps.requests,
    replay: (request) => inFlight.run(request.key, () => deps.replay(replayBody(request))),
    scope: deps.scope,
    logger: deps.logger,
    leaseMs: deps.leaseMs ?? INBOX_LEASE_MS,
    maxAttempts: deps.maxAttempts ?? INBOX_MAX_ATTEMPTS,
  });
}

/** The worker's inbox sweep: replays expired requests every `intervalMs`, and purges finished ones hourly. */
export function startInboxReplay(deps: InboxReplayDeps): Repeating {
  const leaseMs = deps.leaseMs ?? INBOX_LEASE_MS;
  const inFlight = createInFlightRequests({ store: deps.requests, leaseMs, logger: deps.logger });
  let lastPurge = 0;
  return repeatWithoutOverlap(
    async () => {
      const report = await replayExpiredRequests(deps, inFlight);
      if (report.replayed + report.abandoned > 0) deps.logger.info('inbox replay finished', { ...report });
      if (Date.now() - lastPurge >= INBOX_PURGE_EVERY_MS) {
        lastPurge = Date.now();
        const purged = await deps.requests.purgeFinished(deps.retentionMs ?? INBOX_RETENTION_MS);
        if (purged > 0) deps.logger.info('purged finished Slack requests past their retention', { purged });
      }
    },
    deps.intervalMs ?? Math.max(100, Math.floor(leaseMs / 4)),
    (error) => deps.logger.warn('inbox replay failed; the next sweep retries', errorFields(error)),
  );
}
