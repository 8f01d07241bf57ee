import { UnrecoverableError, Worker } from 'bullmq';
import { classifySlackError } from '../src/slack/slack-errors.ts';
import type { Logger } from '../src/shared/logger.ts';

export interface SlackFailureContext {
  logger: Logger;
  /** Pauses the job's queue (every replica) for Slack's Retry-After. */
  pauseQueue: (ms: number) => Promise<void>;
  /** What the job was doing, for the log and the failure: "a message update", "the report upload". */
  what: string;
  /** Ids that identify the job in the log. */
  fields: Record<string, unknown>;
}

/**
 * Turns a Slack Web API failure inside a job into what BullMQ should do: a 429 pauses the queue and retries
 * after Retry-After without spending an attempt, a refusal no retry can fix fails the job for good, and
 * anything else is retried with backoff.
 */
export async function throwForSlackFailure(error: unknown, ctx: SlackFailureContext): Promise<never> {
  const failure = classifySlackError(error);
  if (failure.kind === 'rate_limited') {
    ctx.logger.warn(`slack rate limited ${ctx.what}; pausing`, { retryAfterMs: failure.retryAfterMs, ...ctx.fields });
    await ctx.pauseQueue(failure.retryAfterMs);
    throw Worker.RateLimitError();
  }
  if (failure.kind === 'permanent') {
    ctx.logger.error(`slack refused ${ctx.what}`, { slackError: failure.error, ...ctx.fields });
    throw new UnrecoverableError(`Slack refused ${ctx.what}: ${failure.error}`);
  }
  throw error;
}
