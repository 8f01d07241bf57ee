import { z } from 'zod';
import { CheckBase } from './check-base.ts';
import type { CheckContext, CheckOutcome, UnmetCheck } from './check.types.ts';
import { answerWithin, evidenceNumber, quoted, timedOutAfter } from './evidence.ts';
import { redactUrl, truncate } from '../shared/text.ts';
import { describeRootCause } from './net-errors.ts';
import { splitUserinfo } from './http-client.ts';

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

const MAX_MESSAGE = 500;
const MAX_BODY_BYTES = 256 * 1024;
const STATUS = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

function displayUrl(raw: string): string {
  return redactUrl(raw, 'keep');
}

/** A Location header as it may be shown: absolute, credentials redacted. */
export function absoluteLocation(location: string, base: URL): string {
  try {
    return redactUrl(new URL(location, base).href, 'keep');
  } catch {
    return redactUrl(location, 'keep');
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`).join('; ');
}

/** Reads at most `limit` bytes; a bigger body is garbage for a verdict and must not fill memory or the database. */
async function readBody(response: Response, limit: number): Promise<string | undefined> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      await response.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function runWebhookCheck(spec: WebhookCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const where = displayUrl(spec.url);
  const { target } = context;
  const request: WebhookRequest = {
    ...(target === undefined ? {} : { service: target.service, environment: target.environment }),
    ...(target?.assessmentId === undefined ? {} : { assessmentId: target.assessmentId }),
    check: { id: spec.id, name: spec.name, category: spec.category, severity: spec.severity },
    sentAt: new Date().toISOString(),
  };
  const headers = new Headers();
  let endpoint: URL;
  try {
    const split = splitUserinfo(spec.url);
    endpoint = split.url;
    if (split.authorization !== undefined) headers.set('authorization', split.authorization);
  } catch {
    return { status: 'ERROR', message: `the webhook URL ${where} is not a URL`, evidence: { url: where } };
  }
  for (const [name, value] of Object.entries(spec.headers ?? {})) headers.set(name, value);
  headers.set('content-type', 'application/json');
  headers.set('accept', 'application/json');

  const startedAt = context.now();
  let response: Response;
  let body: string | undefined;
  try {
    // Redirects are not followed: a POST turned into a GET by a redirect would not be the check any more, and a
    // redirect must not carry the headers (tokens) elsewhere.
    await context.egress?.assertUrlAllowed(endpoint);
    response = await fetch(endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify(request),
      redirect: 'manual',
      signal: context.signal,
    });
    body = await readBody(response, MAX_BODY_BYTES);
  } catch (error) {
    if (context.signal.aborted) throw error;
    return { status: 'ERROR', message: `could not call the webhook ${where}: ${truncate(describeRootCause(error), 300)}`, evidence: { url: where } };
  }
  const latencyMs = Math.round(context.now() - startedAt);
  const evidence = { url: where, httpStatus: response.status, latencyMs };

  if (response.status < 200 || response.status > 299) {
    const location = response.headers.get('location');
    const redirect =
      response.status >= 300 && response.status < 400
        ? ` (a redirect${location === null ? '' : ` to ${absoluteLocation(location, endpoint)}`}: redirects are not followed; use the final URL)`
        : '';
    return {
      status: 'ERROR',
      message: `the webhook ${where} answered HTTP ${response.status}${redirect}; expected 2xx with a verdict`,
      evidence: { ...evidence, body: truncate(body?.trim() ?? '', 300) },
    };
  }
  if (body === undefined) {
    return { status: 'ERROR', message: `the webhook ${where} answered garbage: a body over ${MAX_BODY_BYTES / 1024} KiB`, evidence };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return {
      status: 'ERROR',
      message: `the webhook ${where} answered garbage: not JSON (${JSON.stringify(truncate(body.trim(), 80))})`,
      evidence: { ...evidence, body: truncate(body.trim(), 300) },
    };
  }
  const answer = WebhookAnswer.safeParse(json);
  if (!answer.success) {
    return {
      status: 'ERROR',
      message: `the webhook ${where} answered garbage: ${truncate(describeIssues(answer.error), 300)}; expected {"status": "pass"|"warn"|"fail", "message": "..."}`,
      evidence: { ...evidence, body: truncate(body.trim(), 300) },
    };
  }
  const message = answer.data.message.trim() === '' ? `the webhook answered ${answer.data.status} without a message` : answer.data.message;
  return { status: STATUS[answer.data.status], message: truncate(message, MAX_MESSAGE), evidence: answer.data.evidence ?? {} };
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
