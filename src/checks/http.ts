import { z } from 'zod';
import { CheckBase } from './check-base.ts';
import { lookupJsonPath, parseJsonPath } from './json-path.ts';
import type { CheckContext, CheckOutcome } from './check.types.ts';
import { rootCause } from './net-errors.ts';

export const HttpCheckSpec = CheckBase.extend({
  type: z.literal('http'),
  url: z.string().min(1),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  /** One status or a list of acceptable statuses. @defaultValue 200 */
  expectStatus: z
    .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
    .default(200),
  /** Slower than this is a warning, not a failure: the endpoint works but is degraded. */
  maxLatencyMs: z.number().int().positive().optional(),
  /** When false, a redirect is the answer: compare its status (e.g. expectStatus: 301). @defaultValue true */
  followRedirects: z.boolean().default(true),
  /** The body must contain this text. */
  bodyContains: z.string().min(1).optional(),
  /** The body must be JSON whose value at `path` (e.g. `$.checks.db.status`) equals `equals`. */
  json: z
    .object({
      path: z.string().refine((path) => parseJsonPath(path) !== undefined, 'a path such as $.status or $.items[0].name'),
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    })
    .optional(),
});
export type HttpCheckSpec = z.infer<typeof HttpCheckSpec>;

function acceptedStatuses(spec: HttpCheckSpec): number[] {
  return Array.isArray(spec.expectStatus) ? spec.expectStatus : [spec.expectStatus];
}


const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

// Certificate problems are findings about the endpoint (FAIL), not a failure to evaluate it.
const TLS_PROBLEM = /^(CERT_|ERR_TLS_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT)/;

/** The body assertions, once the status is right: text first, then the JSON value. */
function checkBody(spec: HttpCheckSpec, body: string, evidence: Record<string, unknown>): CheckOutcome | undefined {
  if (spec.bodyContains !== undefined && !body.includes(spec.bodyContains)) {
    return { status: 'FAIL', message: `${spec.url} answered without "${spec.bodyContains}" in its body`, evidence: { ...evidence, bodyContains: spec.bodyContains } };
  }
  if (spec.json === undefined) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return {
      status: 'ERROR',
      message: `${spec.url} did not answer JSON, so ${spec.json.path} cannot be checked`,
      evidence: { ...evidence, bodyStart: body.slice(0, 200) },
    };
  }
  const found = lookupJsonPath(document, parseJsonPath(spec.json.path) ?? []);
  const expected = JSON.stringify(spec.json.equals);
  if (!found.found) {
    return { status: 'FAIL', message: `${spec.url} answered JSON without ${found.missingAt} (expected ${spec.json.path} = ${expected})`, evidence: { ...evidence, jsonPath: spec.json.path } };
  }
  if (found.value !== spec.json.equals) {
    return {
      status: 'FAIL',
      message: `${spec.url} answered ${spec.json.path} = ${JSON.stringify(found.value)?.slice(0, 100)}, expected ${expected}`,
      evidence: { ...evidence, jsonPath: spec.json.path, actual: found.value, expected: spec.json.equals },
    };
  }
  return undefined;
}

export async function runHttpCheck(spec: HttpCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const expected = acceptedStatuses(spec);
  const startedAt = context.now();
  let response: Response;
  let body: string;
  try {
    response = await fetch(spec.url, { method: spec.method, signal: context.signal, redirect: spec.followRedirects ? 'follow' : 'manual' });
    // Read the body so latency covers the whole response, as a user's request would.
    body = await response.text();
  } catch (error) {
    if (context.signal.aborted) throw error;
    const cause = rootCause(error);
    const evidence = { url: spec.url, error: cause.code ?? cause.message };
    if (cause.code !== undefined && UNREACHABLE.has(cause.code)) {
      return { status: 'FAIL', message: `${spec.url} is not reachable (${cause.code})`, evidence };
    }
    if (cause.code !== undefined && TLS_PROBLEM.test(cause.code)) {
      return { status: 'FAIL', message: `${spec.url} has a TLS problem: ${cause.code} (${cause.message})`, evidence };
    }
    return { status: 'ERROR', message: `could not request ${spec.url}: ${cause.message}`, evidence };
  }
  const latencyMs = Math.round(context.now() - startedAt);
  const location = response.headers.get('location');
  const evidence = {
    url: spec.url,
    status: response.status,
    expectedStatus: expected,
    latencyMs,
    maxLatencyMs: spec.maxLatencyMs,
    ...(response.redirected ? { finalUrl: response.url } : {}),
    ...(location !== null && !spec.followRedirects ? { redirectTo: location } : {}),
  };
  if (!expected.includes(response.status)) {
    const redirect = location !== null && !spec.followRedirects ? ` (a redirect to ${location}, not followed)` : '';
    return {
      status: 'FAIL',
      message: `${spec.url} answered ${response.status}${redirect}, expected ${expected.join(' or ')}`,
      evidence,
    };
  }
  const bodyProblem = checkBody(spec, body, evidence);
  if (bodyProblem) return bodyProblem;
  if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs) {
    return {
      status: 'WARN',
      message: `${spec.url} answered ${response.status} in ${latencyMs} ms, slower than the ${spec.maxLatencyMs} ms ceiling`,
      evidence,
    };
  }
  return { status: 'PASS', message: `${spec.url} answered ${response.status} in ${latencyMs} ms`, evidence };
}
