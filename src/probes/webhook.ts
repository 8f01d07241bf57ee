import type { z } from 'zod';
import type { CheckContext, CheckOutcome, CheckTarget } from '../checks/check.types.ts';
import { absoluteLocation } from '../checks/redirect-location.ts';
import { displayUrl, WebhookAnswer, type WebhookCheckSpec, type WebhookRequest } from '../checks/specs/webhook.ts';
import { truncate } from '../shared/text.ts';
import { splitUserinfo } from './http-client.ts';
import { describeRootCause } from './net-errors.ts';

const MAX_MESSAGE = 500;
const MAX_BODY_BYTES = 256 * 1024;
const STATUS = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

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
  const request = webhookRequest(spec, context.target);
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
  return readVerdict(where, endpoint, response, body, { url: where, httpStatus: response.status, latencyMs });
}

/** What the endpoint receives: the check, and the service and environment it runs for (when it runs for one). */
function webhookRequest(spec: WebhookCheckSpec, target: CheckTarget | undefined): WebhookRequest {
  return {
    ...(target === undefined ? {} : { service: target.service, environment: target.environment }),
    ...(target?.assessmentId === undefined ? {} : { assessmentId: target.assessmentId }),
    check: { id: spec.id, name: spec.name, category: spec.category, severity: spec.severity },
    sentAt: new Date().toISOString(),
  };
}

/** The endpoint's verdict; ERROR for an answer that is not one (non-2xx, too big, not JSON, not the WebhookAnswer shape). */
function readVerdict(
  where: string,
  endpoint: URL,
  response: Response,
  body: string | undefined,
  evidence: { url: string; httpStatus: number; latencyMs: number },
): CheckOutcome {
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
