import { ErrorCode } from '@slack/web-api';

export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'permanent'; error: string }
  | { kind: 'transient'; error: string };

// Errors that no retry can fix: the message, channel or token is gone, or we sent something Slack refuses.
const PERMANENT = new Set([
  'channel_not_found',
  'message_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_blocks',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'cant_update_message',
  'msg_too_long',
  'no_text',
]);

/** Sorts a Web API failure into what the caller should do about it. */
export function classifySlackError(error: unknown): SlackFailure {
  const e = (error ?? {}) as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e.code === ErrorCode.RateLimitedError) return { kind: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
  if (e.code === ErrorCode.PlatformError) {
    const slackError = e.data?.error ?? 'unknown_error';
    return PERMANENT.has(slackError) ? { kind: 'permanent', error: slackError } : { kind: 'transient', error: slackError };
  }
  return { kind: 'transient', error: error instanceof Error ? error.message : String(error) };
}
