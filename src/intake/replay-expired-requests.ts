import { errorFields, type Logger } from '../shared/logger.ts';
import type { ClaimedRequest, SlackRequestRepository } from './request-inbox.ports.ts';

/** A claimed request that still has its payload, so it can run again. */
export type ReplayableRequest = ClaimedRequest & { body: Record<string, unknown> };

export interface ReplayDeps {
  requests: Pick<SlackRequestRepository, 'claimExpired' | 'finish' | 'renew'>;
  /** Runs one request through the bot's handlers, renewing its lease while it runs (the Slack adapter's part). */
  replay(request: ReplayableRequest): Promise<void>;
  /** QUEUE_PREFIX: only this installation's requests. */
  scope: string;
  logger: Logger;
  leaseMs: number;
  /** A request claimed more often than this is given up on, loudly. */
  maxAttempts: number;
}

export interface ReplayReport {
  replayed: number;
  abandoned: number;
}

/** How many expired requests one claim takes; the loop claims again until none are left. */
const CLAIM_BATCH = 20;

/**
 * Replays, one at a time and in the order Slack delivered them, the requests whose lease ran out: their bot (or
 * the worker replaying them) died before finishing. Safe in every worker replica: a claim is exclusive, and the
 * lease is renewed while a replay runs. The handlers' effects are idempotent by the request's key, so a request
 * that had half happened completes instead of happening twice.
 */
export async function replayExpiredRequests(deps: ReplayDeps): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, abandoned: 0 };
  for (;;) {
    const claimed = await deps.requests.claimExpired(deps.scope, deps.leaseMs, CLAIM_BATCH);
    if (claimed.length === 0) return report;
    for (const [index, request] of claimed.entries()) {
      // The rest of the batch waits its turn: keep its claim, or once a slow batch outlasts the lease another
      // worker claims those too and replays them beside this one (harmless, every effect is keyed, but twice the
      // work when a killed bot left a backlog).
      const waiting = claimed.slice(index + 1).map((next) => next.key);
      if (waiting.length > 0) await deps.requests.renew(waiting, deps.leaseMs);
      if (request.body === null || request.attempts > deps.maxAttempts) {
        await abandon(deps, request);
        report.abandoned += 1;
      } else {
        await replayOne(deps, { ...request, body: request.body });
        report.replayed += 1;
      }
    }
  }
}

async function abandon(deps: ReplayDeps, request: ClaimedRequest): Promise<void> {
  await deps.requests.finish(request.key, 'ABANDONED');
  deps.logger.error('gave up on a Slack request that never finished', { key: request.key, kind: request.kind, attempts: request.attempts - 1 });
}

async function replayOne(deps: ReplayDeps, request: ReplayableRequest): Promise<void> {
  const outcome = await deps.replay(request).then(
    () => 'DONE' as const,
    (error: unknown) => {
      deps.logger.error('a replayed Slack request failed', { key: request.key, kind: request.kind, ...errorFields(error) });
      return 'FAILED' as const;
    },
  );
  await deps.requests.finish(request.key, outcome);
  deps.logger.info('replayed a Slack request its bot had acked but not finished', {
    key: request.key,
    kind: request.kind,
    attempt: request.attempts,
  });
}
