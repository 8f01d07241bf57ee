import { z } from 'zod';
import { CheckBase } from './check-base.ts';
import type { CheckContext, CheckOutcome, UnmetCheck } from './check.types.ts';
import { evidenceNumber, evidenceString, quoted, timedOutAfter } from './evidence.ts';
import { redactUrl, truncate } from '../shared/text.ts';
import { absoluteLocation } from './webhook.ts';
import { describeRootCause } from './net-errors.ts';

export const Comparator = z.enum(['<', '<=', '>', '>=', '==']);
export type Comparator = z.infer<typeof Comparator>;

/**
 * A PromQL instant query whose single value is held against thresholds. The value is good when
 * `value <comparator> threshold` holds: with comparator '<', warn 0.01 and fail 0.05, an error rate of 0.005
 * passes, 0.02 warns and 0.07 fails.
 */
export const PrometheusCheckSpec = CheckBase.extend({
  type: z.literal('prometheus'),
  /** Prometheus base URL, e.g. http://prometheus:9090; the check requests `${url}/api/v1/query`. */
  url: z.string().min(1),
  /** PromQL that evaluates to one series or a scalar, e.g. sum(rate(http_errors_total[5m])). */
  query: z.string().min(1).max(4000),
  comparator: Comparator,
  /** The value must satisfy `value <comparator> fail`, otherwise the check fails. */
  fail: z.number(),
  /** The stricter bound: a value that satisfies `fail` but not `value <comparator> warn` warns. */
  warn: z.number().optional(),
}).superRefine((spec, ctx) => {
  if (spec.warn === undefined) return;
  // A warn bound on the lenient side of fail could never produce a warning; say so instead of ignoring it.
  const lenientSide = spec.comparator === '==' ? spec.warn !== spec.fail : !compare(spec.warn, spec.comparator, spec.fail) && spec.warn !== spec.fail;
  if (lenientSide) {
    ctx.addIssue({
      code: 'custom',
      path: ['warn'],
      message:
        spec.comparator === '=='
          ? 'warn makes no sense with comparator "==" (leave it out)'
          : `warn (${spec.warn}) must be on the passing side of fail (${spec.fail}), i.e. warn ${spec.comparator} fail or equal, or it can never warn`,
    });
  }
});
export type PrometheusCheckSpec = z.infer<typeof PrometheusCheckSpec>;

export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
  }
}

/**
 * PASS when the value satisfies both bounds, WARN when it satisfies `fail` but not `warn`, FAIL when it does
 * not satisfy `fail`. NaN satisfies no comparison, so it FAILs here; the runner reports NaN as ERROR first.
 */
export function judgeValue(value: number, comparator: Comparator, fail: number, warn?: number): 'PASS' | 'WARN' | 'FAIL' {
  if (!compare(value, comparator, fail)) return 'FAIL';
  if (warn !== undefined && !compare(value, comparator, warn)) return 'WARN';
  return 'PASS';
}

const Sample = z.tuple([z.number(), z.string()]);
const ApiResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({ resultType: z.string(), result: z.unknown() }),
    warnings: z.array(z.string()).optional(),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);
const Vector = z.array(z.object({ metric: z.record(z.string(), z.string()), value: Sample }));

/** The URL as it may be shown: any password replaced. */
function displayUrl(raw: string): string {
  return redactUrl(raw, 'keep').replace(/\/$/, '');
}

/** fetch refuses URLs with credentials, so `http://user:pass@prometheus` becomes a Basic Authorization header. */
function buildRequest(base: string, query: string): { url: string; headers: Record<string, string> } {
  const url = new URL(`${base.replace(/\/+$/, '')}/api/v1/query`);
  url.searchParams.set('query', query);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (url.username || url.password) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url: url.toString(), headers };
}

/** Short, readable numbers in messages; evidence keeps the raw value. */
function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** Rounded for reading, unless rounding would make it look equal to a threshold it is not equal to. */
function readableValue(value: number, spec: Pick<PrometheusCheckSpec, 'fail' | 'warn'>): string {
  const rounded = formatNumber(value);
  const blurred = [spec.fail, spec.warn].some((bound) => bound !== undefined && bound !== value && formatNumber(bound) === rounded);
  return blurred ? String(value) : rounded;
}

export async function runPrometheusCheck(spec: PrometheusCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const where = displayUrl(spec.url);
  const shownQuery = `\`${truncate(spec.query, 120)}\``;
  const thresholds = { comparator: spec.comparator, fail: spec.fail, warn: spec.warn };
  const base = { url: where, query: spec.query, ...thresholds };
  const error = (message: string, evidence: Record<string, unknown> = {}): CheckOutcome => ({
    status: 'ERROR',
    message,
    evidence: { ...base, ...evidence },
  });

  let request: { url: string; headers: Record<string, string> };
  try {
    request = buildRequest(spec.url, spec.query);
  } catch {
    return error(`the Prometheus url "${where}" is not a valid URL; fix the check's url`);
  }

  let response: Response;
  let body: string;
  try {
    await context.egress?.assertUrlAllowed(new URL(request.url));
    // Not followed: a redirect would carry the credentials (and the query) wherever its Location points.
    response = await fetch(request.url, { headers: request.headers, signal: context.signal, redirect: 'manual' });
    body = await response.text();
  } catch (cause) {
    if (context.signal.aborted) throw cause;
    return error(`could not query Prometheus at ${where}: ${describeRootCause(cause)}`);
  }

  let json: unknown;
  let isJson = true;
  try {
    json = JSON.parse(body);
  } catch {
    isJson = false;
  }
  const parsed = isJson ? ApiResponse.safeParse(json) : undefined;
  const snippet = truncate(body.trim(), 200);

  if (parsed?.success && parsed.data.status === 'error') {
    const reason = [parsed.data.errorType, parsed.data.error].filter(Boolean).join(': ') || 'no reason given';
    return error(`Prometheus rejected the query ${shownQuery}: ${truncate(reason, 300)}`, { httpStatus: response.status, prometheusError: reason });
  }
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location !== null) {
    return error(
      `Prometheus at ${where} answered HTTP ${response.status}, a redirect to ${absoluteLocation(location, new URL(request.url))}: redirects are not followed; point the url at Prometheus itself`,
      {
        httpStatus: response.status,
      },
    );
  }
  if (!response.ok) {
    return error(`Prometheus at ${where} answered HTTP ${response.status}; expected 200 from the query API`, {
      httpStatus: response.status,
      body: snippet,
    });
  }
  if (!isJson) {
    return error(`${where} answered HTML/non-JSON, not the Prometheus API; check that the url points at Prometheus itself`, {
      httpStatus: response.status,
      contentType: response.headers.get('content-type'),
      body: snippet,
    });
  }
  if (!parsed?.success || parsed.data.status !== 'success') {
    return error(`${where} answered JSON that is not a Prometheus query response; check that the url points at Prometheus itself`, {
      httpStatus: response.status,
      body: snippet,
    });
  }

  const { resultType, result } = parsed.data.data;
  let raw: string;
  if (resultType === 'scalar') {
    const sample = Sample.safeParse(result);
    if (!sample.success) return error(`Prometheus returned a malformed scalar for ${shownQuery}`, { body: snippet });
    raw = sample.data[1];
  } else if (resultType === 'vector') {
    const vector = Vector.safeParse(result);
    if (!vector.success) {
      return error(`Prometheus returned a vector without plain float samples for ${shownQuery} (native histograms are not supported)`, {
        body: snippet,
      });
    }
    const series = vector.data;
    if (series.length === 0) {
      return error(`the query ${shownQuery} returned no series; check the metric name and labels, or wrap it, e.g. in sum() or vector(0)`, {
        series: 0,
      });
    }
    if (series.length > 1) {
      return error(`the query ${shownQuery} returned ${series.length} series; make the query return one, e.g. with sum()`, {
        series: series.length,
        labels: series.slice(0, 5).map((one) => one.metric),
      });
    }
    raw = series[0]?.value[1] ?? '';
  } else {
    return error(`the query ${shownQuery} returned a ${resultType}, not an instant vector or scalar; use an instant query (no [range] at the end)`, {
      resultType,
    });
  }

  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    return error(`the query ${shownQuery} returned ${raw}, which cannot be compared; guard the query against division by zero or empty rates`, {
      value: raw,
    });
  }

  const status = judgeValue(value, spec.comparator, spec.fail, spec.warn);
  const evidence = { ...base, value, resultType };
  const shown = readableValue(value, spec);
  const failBound = `${spec.comparator} ${formatNumber(spec.fail)}`;
  if (status === 'FAIL') {
    return { status, message: `${shownQuery} is ${shown}; it must be ${failBound} to pass`, evidence };
  }
  if (status === 'WARN') {
    const warnBound = `${spec.comparator} ${formatNumber(spec.warn ?? spec.fail)}`;
    return {
      status,
      message: `${shownQuery} is ${shown}: within the fail threshold (${failBound}) but not the warn threshold (${warnBound})`,
      evidence,
    };
  }
  const bounds = spec.warn === undefined ? failBound : `${spec.comparator} ${formatNumber(spec.warn)} (warn) and ${failBound} (fail)`;
  return { status, message: `${shownQuery} is ${shown}, meeting ${bounds}`, evidence };
}

/** "under 0.05", "to 99.9 or more": the bound a value must meet, in words. */
const BOUND: Record<Comparator, string> = { '<': 'under', '<=': 'to at most', '>': 'above', '>=': 'to at least', '==': 'to exactly' };

/** What to do about a prometheus check that did not pass: the bound to meet and the value now. Pure. */
export function recommendPrometheus(spec: PrometheusCheckSpec, outcome: UnmetCheck): string | undefined {
  const shownQuery = `\`${truncate(spec.query, 120)}\``;
  const where = displayUrl(spec.url);
  const { evidence } = outcome;
  const timeoutMs = timedOutAfter(outcome);
  if (timeoutMs !== undefined) {
    return `Make Prometheus at ${where} answer ${shownQuery} within the ${timeoutMs} ms timeout (it did not): simplify the query, or raise timeoutMs`;
  }
  const value = evidenceNumber(evidence, 'value');
  if (outcome.status === 'FAIL' && value !== undefined) {
    return `Bring ${shownQuery} ${BOUND[spec.comparator]} ${formatNumber(spec.fail)} (now ${readableValue(value, spec)})`;
  }
  if (outcome.status === 'WARN' && value !== undefined && spec.warn !== undefined) {
    return `Bring ${shownQuery} ${BOUND[spec.comparator]} ${formatNumber(spec.warn)}, its warn threshold (now ${readableValue(value, spec)}; it fails unless ${spec.comparator} ${formatNumber(spec.fail)})`;
  }
  if (outcome.status !== 'ERROR') return undefined;
  const series = evidenceNumber(evidence, 'series');
  if (series === 0) return `Make ${shownQuery} return a series: check the metric name and labels, or wrap it, e.g. in sum() or vector(0)`;
  if (series !== undefined && series > 1) return `Make ${shownQuery} return one series instead of ${series}, e.g. with sum()`;
  const raw = evidenceString(evidence, 'value');
  if (raw !== undefined) return `Guard ${shownQuery} against division by zero and empty rates: it returned ${raw}`;
  const rejected = evidenceString(evidence, 'prometheusError');
  if (rejected !== undefined) return `Fix the query ${shownQuery}: Prometheus rejected it (${truncate(rejected, 200)})`;
  return `Make ${where} answer the Prometheus query API (check the url): ${quoted(outcome)}`;
}
