import { createHmac } from 'node:crypto';

/**
 * Slack's v0 request signature: HMAC-SHA256 over `v0:<timestamp>:<raw body>` keyed with the app's
 * signing secret, hex-encoded and prefixed with `v0=`. It must be computed over the body bytes
 * exactly as sent, so callers pass the already-encoded body rather than an object.
 */
export function signSlackRequest(signingSecret: string, timestamp: number, rawBody: string): string {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex');
  return `v0=${digest}`;
}
