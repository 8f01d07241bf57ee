import { ErrorCode, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { classifySlackError } from '../../../src/slack/slack-errors.ts';

/** Shaped like @slack/web-api's WebAPIPlatformError: `code` plus the API response in `data`. */
const platformError = (error: string) =>
  Object.assign(new Error(`An API error occurred: ${error}`), { code: ErrorCode.PlatformError, data: { ok: false, error } });

describe('classifySlackError', () => {
  it('waits as long as Slack asks when rate limited', () => {
    const error = Object.assign(new Error('rate limited'), { code: ErrorCode.RateLimitedError, retryAfter: 3 });
    expect(classifySlackError(error)).toEqual({ kind: 'rate_limited', retryAfterMs: 3000 });
    expect(classifySlackError({ code: 'slack_webapi_rate_limited_error', retryAfter: 3 })).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 3000,
    });
  });

  it('waits at least a second when Slack gives no or a zero Retry-After', () => {
    expect(classifySlackError({ code: ErrorCode.RateLimitedError })).toEqual({ kind: 'rate_limited', retryAfterMs: 1000 });
    expect(classifySlackError({ code: ErrorCode.RateLimitedError, retryAfter: 0 })).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 1000,
    });
  });

  it.each([
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
  ])('does not retry %s: no retry can fix it', (slackError) => {
    expect(classifySlackError(platformError(slackError))).toEqual({ kind: 'permanent', error: slackError });
  });

  it('retries a platform error it does not know, keeping the Slack error code', () => {
    expect(classifySlackError(platformError('internal_error'))).toEqual({ kind: 'transient', error: 'internal_error' });
    expect(classifySlackError(platformError('fatal_error'))).toEqual({ kind: 'transient', error: 'fatal_error' });
  });

  it('retries a platform error without an error code', () => {
    expect(classifySlackError({ code: ErrorCode.PlatformError })).toEqual({ kind: 'transient', error: 'unknown_error' });
  });

  it('retries a plain Error and keeps its message', () => {
    expect(classifySlackError(new Error('socket hang up'))).toEqual({ kind: 'transient', error: 'socket hang up' });
  });

  it('retries something thrown that is not an Error', () => {
    expect(classifySlackError('boom')).toEqual({ kind: 'transient', error: 'boom' });
  });

  it('classifies the real @slack/web-api error classes the same way', () => {
    expect(classifySlackError(new WebAPIRateLimitedError(7))).toEqual({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(classifySlackError(new WebAPIPlatformError({ ok: false, error: 'not_in_channel' }))).toEqual({
      kind: 'permanent',
      error: 'not_in_channel',
    });
    expect(classifySlackError(new WebAPIHTTPError(502, 'Bad Gateway', {}))).toMatchObject({ kind: 'transient' });
    expect(classifySlackError(new WebAPIRequestError(new Error('ECONNRESET')))).toMatchObject({ kind: 'transient' });
  });

  // BUG: `error as {...}` then `e.code` dereferences null/undefined, so a rejection with no reason crashes the
  // classifier (and whatever retry logic relies on it) instead of being treated as transient.
  it('treats a null or undefined rejection as transient instead of throwing', () => {
    expect(classifySlackError(undefined)).toMatchObject({ kind: 'transient' });
    expect(classifySlackError(null)).toMatchObject({ kind: 'transient' });
  });
});
