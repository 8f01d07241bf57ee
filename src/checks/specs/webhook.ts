import { z } from 'zod';
import { CheckBase } from '../check-base.ts';
import type { UnmetCheck } from '../check.types.ts';
import { answerWithin, evidenceNumber, quoted, timedOutAfter } from '../evidence.ts';
import { redactUrl } from '../../shared/text.ts';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Request headers a check sends (webhook, http): valid names, no line breaks in values. */
export const RequestHeaders = z
  .record(z.string(), z.string().regex(/^[^\r\n\0]*$/, 'header values cannot contain line breaks'))
  .superRefine((headers, ctx) => {
    // Checked here rather than as the record's key schema, whose error would only say "Invalid key in record".
    for (const name of Object.keys(headers)) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'not a valid HTTP header name' });
    }
  });

/**
 * A team's own check behind an HTTP endpoint. The bot POSTs the check context as JSON (see WebhookRequest) and
 * the endpoint answers its verdict: `{ "status": "pass" | "warn" | "fail", "message": "...", "evidence": { ... } }`.
 */
export const WebhookCheckSpec = CheckBase.extend({
  type: z.literal('webhook'),
  url: z.string().min(1),
  /** Extra request headers, e.g. an Authorization token; never shown in messages or evidence. */
  headers: RequestHeaders.optional(),
});
export type WebhookCheckSpec = z.infer<typeof WebhookCheckSpec>;

/** What the endpoint must answer. */
export const WebhookAnswer = z.object({
  status: z.enum(['pass', 'warn', 'fail']),
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()).optional(),
});
export type WebhookAnswer = z.infer<typeof WebhookAnswer>;

/**
 * What the endpoint receives: which check, for which service and environment, in which assessment, and when.
 * Service and environment are left out only when the check runs outside any service (an ad-hoc run).
 */
export interface WebhookRequest {
  service?: string;
  environment?: string;
  /** Present when the check runs inside an assessment (not in the CLI or a deployment task). */
  assessmentId?: string;
  check: { id: string; name: string; category: string; severity: string };
  /** When the request was sent, ISO 8601 in UTC. */
  sentAt: string;
}

export function displayUrl(raw: string): string {
  return redactUrl(raw, 'keep');
}

/** What to do about a webhook check that did not pass: act on what the team's endpoint said, or fix the endpoint. Pure. */
export function recommendWebhook(spec: WebhookCheckSpec, outcome: UnmetCheck): string | undefined {
  const where = displayUrl(spec.url);
  const timeoutMs = timedOutAfter(outcome);
  if (timeoutMs !== undefined) return answerWithin(`the webhook ${where}`, timeoutMs);
  if (outcome.status === 'FAIL' || outcome.status === 'WARN') {
    return `Act on what the webhook ${where} reported (${outcome.status.toLowerCase()}), then run the assessment again: ${quoted(outcome)}`;
  }
  if (outcome.status !== 'ERROR') return undefined;
  const httpStatus = evidenceNumber(outcome.evidence, 'httpStatus');
  if (httpStatus !== undefined && (httpStatus < 200 || httpStatus > 299)) {
    return `Make the webhook ${where} answer HTTP 2xx with {"status", "message"} (it answered HTTP ${httpStatus})`;
  }
  if (httpStatus !== undefined) return `Make the webhook ${where} answer {"status": "pass" | "warn" | "fail", "message": "…"}: ${quoted(outcome)}`;
  return `Make the webhook ${where} reachable from where the checks run: ${quoted(outcome)}`;
}
