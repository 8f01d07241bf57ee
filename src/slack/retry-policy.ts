/**
 * The one retry policy of every Web API client the bot and workers build (the commands client, Bolt's per-request
 * client, the workers' clients): a 5xx or a network failure is retried with exponential backoff, a 429 waits out
 * Retry-After inside the client (except where a client rejects rate-limited calls so its BullMQ queue pauses
 * instead), and no call retries past the deadline.
 */
export interface SlackRetryOptions {
  /** Attempts after the first. @defaultValue 8 */
  retries?: number | undefined;
  /** No retry starts once this long has passed since the first attempt. @defaultValue 30000 */
  deadlineMs?: number | undefined;
  /** Called after each failed attempt (metrics). */
  onFailedAttempt?: ((error: { retriesLeft?: number }) => void) | undefined;
}

/**
 * Past this, a call gives up: it stays well under the 60 s message-claim lease, so whoever takes a claim over finds
 * the first claimant finished (and, through the message's metadata, its post).
 * @defaultValue 30000
 */
export const SLACK_RETRY_DEADLINE_MS = 30_000;

/** 8 retries at 250 ms doubling to 5 s: about 25 s of backoff, Retry-After waits on top, all within the deadline. */
export const SLACK_RETRIES = 8;

export function slackRetryConfig(options: SlackRetryOptions = {}) {
  return {
    retries: options.retries ?? SLACK_RETRIES,
    factor: 2,
    minTimeout: 250,
    maxTimeout: 5000,
    randomize: true,
    maxRetryTime: options.deadlineMs ?? SLACK_RETRY_DEADLINE_MS,
    ...(options.onFailedAttempt !== undefined ? { onFailedAttempt: options.onFailedAttempt } : {}),
  };
}
