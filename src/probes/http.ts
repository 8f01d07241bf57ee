import type { CheckContext, CheckOutcome } from '../checks/check.types.ts';
import { lookupJsonPath, parseJsonPath } from '../checks/json-path.ts';
import { acceptedStatuses, MAX_REDIRECTS, REDIRECT_LOOP, TLS_PROBLEM, UNREACHABLE, type HttpCheckSpec } from '../checks/specs/http.ts';
import { describeTlsProblem, firstLine, rootCause } from './net-errors.ts';
import { truncate } from '../shared/text.ts';
import { requestHttp, type HttpAnswer, type RefusedRedirect } from './http-client.ts';
import { redactText } from '../secrets/redact.ts';

/** The body assertions, once the status is right: text first, then the JSON value. */
function checkBody(spec: HttpCheckSpec, body: string, evidence: Record<string, unknown>): CheckOutcome | undefined {
  if (spec.bodyContains !== undefined && !body.includes(spec.bodyContains)) {
    return {
      status: 'FAIL',
      message: `${spec.url} answered without "${spec.bodyContains}" in its body`,
      evidence: { ...evidence, bodyContains: spec.bodyContains },
    };
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
    return {
      status: 'FAIL',
      message: `${spec.url} answered JSON without ${found.missingAt} (expected ${spec.json.path} = ${expected})`,
      evidence: { ...evidence, jsonPath: spec.json.path },
    };
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
  let response: HttpAnswer;
  try {
    response = await requestHttp(spec.url, {
      method: spec.method,
      signal: context.signal,
      followRedirects: spec.followRedirects,
      headers: spec.headers,
      allowRedirectsTo: spec.allowRedirectsTo,
      egress: context.egress,
    });
  } catch (error) {
    if (context.signal.aborted) throw error;
    const cause = rootCause(error);
    const evidence = { url: spec.url, error: cause.code ?? cause.message };
    if (cause.code !== undefined && UNREACHABLE.has(cause.code)) {
      return { status: 'FAIL', message: `${spec.url} is not reachable (${cause.code})`, evidence };
    }
    if (cause.code === REDIRECT_LOOP) return { status: 'FAIL', message: `${spec.url} redirects in a loop`, evidence };
    if (cause.code !== undefined && TLS_PROBLEM.test(cause.code)) {
      const problem = describeTlsProblem(cause);
      return { status: 'FAIL', message: `${spec.url} has a TLS problem (${cause.code}): ${problem}`, evidence: { ...evidence, tlsProblem: problem } };
    }
    return { status: 'ERROR', message: `could not request ${spec.url}: ${truncate(firstLine(cause.message), 300)}`, evidence };
  }
  if (response.refusedRedirect) return refusedRedirect(spec, response.status, response.refusedRedirect);
  const { body, location } = response;
  const latencyMs = Math.round(context.now() - startedAt);
  const evidence = {
    url: spec.url,
    status: response.status,
    expectedStatus: expected,
    latencyMs,
    maxLatencyMs: spec.maxLatencyMs,
    ...(response.finalUrl !== undefined ? { finalUrl: response.finalUrl } : {}),
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

/** A redirect the check would not follow is a finding about the endpoint (or the config): FAIL, naming where it led. */
function refusedRedirect(spec: HttpCheckSpec, status: number, refused: RefusedRedirect): CheckOutcome {
  const location = redactText(refused.location);
  const evidence = { url: spec.url, status, redirectTo: location, redirectRefused: refused.reason };
  const why = {
    other_host: `which leaves ${hostOf(spec.url)}; list the host under allowRedirectsTo if that is intended`,
    too_many: `after ${MAX_REDIRECTS} redirects already (at most ${MAX_REDIRECTS} are followed)`,
    scheme: 'which is not an http(s) URL',
  }[refused.reason];
  return { status: 'FAIL', message: `${spec.url} redirects to ${location}, ${why}`, evidence };
}

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
};
