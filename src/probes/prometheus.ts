import { z } from 'zod';
import type { CheckContext, CheckOutcome } from '../checks/check.types.ts';
import { absoluteLocation } from '../checks/redirect-location.ts';
import { displayUrl, formatNumber, judgeValue, readableValue, type PrometheusCheckSpec } from '../checks/specs/prometheus.ts';
import { truncate } from '../shared/text.ts';
import { describeRootCause } from './net-errors.ts';
import type { Step } from './step.ts';

/** The query API's answer, validated before anything in it is believed. */
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

/** What every step of one run names: where Prometheus is and which query, as they may be shown. */
interface Run {
  spec: PrometheusCheckSpec;
  where: string;
  shownQuery: string;
  /** An ERROR outcome whose evidence always names the URL, the query and the thresholds. */
  error: (message: string, evidence?: Record<string, unknown>) => CheckOutcome;
}

interface QueryResult {
  resultType: string;
  result: unknown;
}

export async function runPrometheusCheck(spec: PrometheusCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const where = displayUrl(spec.url);
  const thresholds = { comparator: spec.comparator, fail: spec.fail, warn: spec.warn };
  const base = { url: where, query: spec.query, ...thresholds };
  const run: Run = {
    spec,
    where,
    shownQuery: `\`${truncate(spec.query, 120)}\``,
    error: (message, evidence = {}) => ({ status: 'ERROR', message, evidence: { ...base, ...evidence } }),
  };
  const answer = await queryPrometheus(run, context);
  if (!answer.ok) return answer.outcome;
  const data = readQueryResponse(run, answer.value);
  if (!data.ok) return data.outcome;
  const raw = singleSample(run, data.value, truncate(answer.value.body.trim(), 200));
  if (!raw.ok) return raw.outcome;
  const value = Number(raw.value);
  if (raw.value.trim() === '' || !Number.isFinite(value)) {
    return run.error(
      `the query ${run.shownQuery} returned ${raw.value}, which cannot be compared; guard the query against division by zero or empty rates`,
      { value: raw.value },
    );
  }
  return judgeSample(run, value, { ...base, value, resultType: data.value.resultType });
}

/** Sends the instant query; ERROR when the URL is not one or Prometheus cannot be reached. */
async function queryPrometheus(run: Run, context: CheckContext): Promise<Step<{ response: Response; body: string; url: string }>> {
  let request: { url: string; headers: Record<string, string> };
  try {
    request = buildRequest(run.spec.url, run.spec.query);
  } catch {
    return { ok: false, outcome: run.error(`the Prometheus url "${run.where}" is not a valid URL; fix the check's url`) };
  }
  try {
    await context.egress?.assertUrlAllowed(new URL(request.url));
    // Not followed: a redirect would carry the credentials (and the query) wherever its Location points.
    const response = await fetch(request.url, { headers: request.headers, signal: context.signal, redirect: 'manual' });
    return { ok: true, value: { response, body: await response.text(), url: request.url } };
  } catch (cause) {
    if (context.signal.aborted) throw cause;
    return { ok: false, outcome: run.error(`could not query Prometheus at ${run.where}: ${describeRootCause(cause)}`) };
  }
}

/** The query API's result, or ERROR naming what answered instead: a rejection, a redirect, an HTTP error, not the API. */
function readQueryResponse({ where, shownQuery, error }: Run, answer: { response: Response; body: string; url: string }): Step<QueryResult> {
  const { response, body } = answer;
  let json: unknown;
  let isJson = true;
  try {
    json = JSON.parse(body);
  } catch {
    isJson = false;
  }
  const parsed = isJson ? ApiResponse.safeParse(json) : undefined;
  const snippet = truncate(body.trim(), 200);
  const fail = (message: string, evidence: Record<string, unknown>): Step<QueryResult> => ({ ok: false, outcome: error(message, evidence) });

  if (parsed?.success && parsed.data.status === 'error') {
    const reason = [parsed.data.errorType, parsed.data.error].filter(Boolean).join(': ') || 'no reason given';
    return fail(`Prometheus rejected the query ${shownQuery}: ${truncate(reason, 300)}`, { httpStatus: response.status, prometheusError: reason });
  }
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location !== null) {
    return fail(
      `Prometheus at ${where} answered HTTP ${response.status}, a redirect to ${absoluteLocation(location, new URL(answer.url))}: redirects are not followed; point the url at Prometheus itself`,
      { httpStatus: response.status },
    );
  }
  if (!response.ok) {
    return fail(`Prometheus at ${where} answered HTTP ${response.status}; expected 200 from the query API`, {
      httpStatus: response.status,
      body: snippet,
    });
  }
  if (!isJson) {
    return fail(`${where} answered HTML/non-JSON, not the Prometheus API; check that the url points at Prometheus itself`, {
      httpStatus: response.status,
      contentType: response.headers.get('content-type'),
      body: snippet,
    });
  }
  if (!parsed?.success || parsed.data.status !== 'success') {
    return fail(`${where} answered JSON that is not a Prometheus query response; check that the url points at Prometheus itself`, {
      httpStatus: response.status,
      body: snippet,
    });
  }
  return { ok: true, value: parsed.data.data };
}

/** The one sample the thresholds are held against, as Prometheus wrote it; ERROR for none, several, or a range. */
function singleSample({ shownQuery, error }: Run, { resultType, result }: QueryResult, snippet: string): Step<string> {
  const fail = (message: string, evidence: Record<string, unknown>): Step<string> => ({ ok: false, outcome: error(message, evidence) });
  if (resultType === 'scalar') {
    const sample = Sample.safeParse(result);
    if (!sample.success) return fail(`Prometheus returned a malformed scalar for ${shownQuery}`, { body: snippet });
    return { ok: true, value: sample.data[1] };
  }
  if (resultType !== 'vector') {
    return fail(`the query ${shownQuery} returned a ${resultType}, not an instant vector or scalar; use an instant query (no [range] at the end)`, {
      resultType,
    });
  }
  const vector = Vector.safeParse(result);
  if (!vector.success) {
    return fail(`Prometheus returned a vector without plain float samples for ${shownQuery} (native histograms are not supported)`, {
      body: snippet,
    });
  }
  const series = vector.data;
  if (series.length === 0) {
    return fail(`the query ${shownQuery} returned no series; check the metric name and labels, or wrap it, e.g. in sum() or vector(0)`, {
      series: 0,
    });
  }
  if (series.length > 1) {
    return fail(`the query ${shownQuery} returned ${series.length} series; make the query return one, e.g. with sum()`, {
      series: series.length,
      labels: series.slice(0, 5).map((one) => one.metric),
    });
  }
  return { ok: true, value: series[0]?.value[1] ?? '' };
}

/** PASS, WARN or FAIL by the thresholds, with the value as a person reads it. */
function judgeSample({ spec, shownQuery }: Run, value: number, evidence: Record<string, unknown>): CheckOutcome {
  const status = judgeValue(value, spec.comparator, spec.fail, spec.warn);
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
