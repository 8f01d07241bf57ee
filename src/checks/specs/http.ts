import { z } from 'zod';
import { CheckBase } from '../check-base.ts';
import { parseJsonPath } from '../json-path.ts';
import type { UnmetCheck } from '../check.types.ts';
import { answerWithin, evidenceNumber, evidenceString, quoted, timedOutAfter } from '../evidence.ts';
import { NOT_TLS } from '../net-error-codes.ts';
import { truncate } from '../../shared/text.ts';
import { RequestHeaders } from './webhook.ts';

export const HttpCheckSpec = CheckBase.extend({
  type: z.literal('http'),
  url: z.string().min(1),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  /** One status or a list of acceptable statuses. @defaultValue 200 */
  expectStatus: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]).default(200),
  /** Slower than this is a warning, not a failure: the endpoint works but is degraded. */
  maxLatencyMs: z.number().int().positive().optional(),
  /** When false, a redirect is the answer: compare its status (e.g. expectStatus: 301). @defaultValue true */
  followRedirects: z.boolean().default(true),
  /** Hosts (or `*.example.com`) a redirect may lead to besides the URL's own host; any other is a FAIL. @defaultValue none */
  allowRedirectsTo: z.array(z.string().regex(/^(\*\.)?[A-Za-z0-9.-]+$/, 'a host name, or *.domain for every host below it')).optional(),
  /** Request headers, e.g. `Authorization: Bearer ${env:TOKEN}`; never shown. URL userinfo is sent as basic auth. */
  headers: RequestHeaders.optional(),
  /** The body must contain this text. */
  bodyContains: z.string().min(1).optional(),
  /** The body must be JSON whose value at `path` (e.g. `$.checks.db.status`) equals `equals`. */
  json: z
    .strictObject({
      path: z.string().refine((path) => parseJsonPath(path) !== undefined, 'a path such as $.status or $.items[0].name'),
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    })
    .optional(),
});
export type HttpCheckSpec = z.infer<typeof HttpCheckSpec>;

/** The error code of an answer that redirects back to a URL already visited. */
export const REDIRECT_LOOP = 'ERR_REDIRECT_LOOP';

/** Few enough that a misrouted check fails fast, enough for http→https→canonical host→trailing slash. */
export const MAX_REDIRECTS = 5;

export function acceptedStatuses(spec: HttpCheckSpec): number[] {
  return Array.isArray(spec.expectStatus) ? spec.expectStatus : [spec.expectStatus];
}

/** Errors that mean the endpoint is down or cut off: what the check measures, so FAIL. */
export const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

// Certificate and handshake problems (a self-signed certificate, a plain-HTTP port behind https://) are findings
// about the endpoint (FAIL), not a failure to evaluate it.
export const TLS_PROBLEM =
  /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT)/;

/** What to do about an http check that did not pass, with the measured numbers. Pure. */
export function recommendHttp(spec: HttpCheckSpec, outcome: UnmetCheck): string | undefined {
  const { evidence } = outcome;
  const timeoutMs = timedOutAfter(outcome);
  if (timeoutMs !== undefined) return answerWithin(spec.url, timeoutMs);
  const error = evidenceString(evidence, 'error');
  const status = evidenceNumber(evidence, 'status');
  const latencyMs = evidenceNumber(evidence, 'latencyMs');
  if (outcome.status === 'WARN' && latencyMs !== undefined && spec.maxLatencyMs !== undefined) {
    return `Bring ${spec.url} under ${spec.maxLatencyMs} ms (measured ${latencyMs} ms): profile the endpoint or scale it`;
  }
  if (error !== undefined && UNREACHABLE.has(error)) return `Bring ${spec.url} back up, or fix the url: it is not reachable (${error})`;
  if (error === REDIRECT_LOOP) return `Fix the redirects of ${spec.url}: it redirects in a loop`;
  if (error !== undefined && NOT_TLS.has(error)) {
    return `Serve TLS on the port of ${spec.url}, or use http:// if it is a plain-HTTP port: it does not speak TLS (${error})`;
  }
  if (error !== undefined && TLS_PROBLEM.test(error)) {
    const problem = evidenceString(evidence, 'tlsProblem') ?? error;
    return `Fix the certificate of ${spec.url}: ${problem} (${error}); serve one from a trusted CA that covers the host name`;
  }
  const expected = acceptedStatuses(spec);
  if (status !== undefined && !expected.includes(status)) {
    const redirectTo = evidenceString(evidence, 'redirectTo');
    if (redirectTo !== undefined && evidenceString(evidence, 'redirectRefused') === 'other_host') {
      return `Point the check at the final address, or list its host under allowRedirectsTo: ${spec.url} redirects to ${redirectTo}`;
    }
    if (redirectTo !== undefined && evidenceString(evidence, 'redirectRefused') !== undefined) {
      return `Fix the redirects of ${spec.url} or point the check at the final address: it redirects to ${redirectTo}`;
    }
    if (redirectTo !== undefined) {
      return `Point the check at the final address, or expect the redirect (expectStatus: ${status}): ${spec.url} answered ${status}, a redirect to ${redirectTo}`;
    }
    return `Make ${spec.url} answer ${expected.join(' or ')} (it answered ${status})`;
  }
  if (outcome.status === 'FAIL' && spec.bodyContains !== undefined && evidenceString(evidence, 'bodyContains') !== undefined) {
    return `Make ${spec.url} include "${spec.bodyContains}" in its body (it answered ${status ?? 'without it'})`;
  }
  if (spec.json !== undefined) {
    const wanted = `${spec.json.path} = ${JSON.stringify(spec.json.equals)}`;
    const bodyStart = evidenceString(evidence, 'bodyStart');
    if (outcome.status === 'ERROR' && bodyStart !== undefined) {
      return `Make ${spec.url} answer JSON, so ${spec.json.path} can be checked (it answered ${JSON.stringify(truncate(bodyStart.trim(), 40))})`;
    }
    if (outcome.status === 'FAIL' && evidence !== null && 'actual' in evidence) {
      return `Make ${spec.url} answer ${wanted} (now ${truncate(JSON.stringify(evidence.actual) ?? 'undefined', 100)})`;
    }
    if (outcome.status === 'FAIL' && evidenceString(evidence, 'jsonPath') !== undefined) {
      return `Make ${spec.url} answer ${wanted} (its JSON has no ${spec.json.path})`;
    }
  }
  if (outcome.status === 'ERROR') return `Fix the url or the endpoint so ${spec.url} can be requested: ${quoted(outcome)}`;
  return undefined;
}
