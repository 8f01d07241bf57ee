import { z } from 'zod';
import { CheckBase } from '../check-base.ts';
import type { UnmetCheck } from '../check.types.ts';
import { evidenceNumber, evidenceString, quoted, timedOutAfter } from '../evidence.ts';
import { redactUrl, truncate } from '../../shared/text.ts';

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

/** The URL as it may be shown: any password replaced. */
export function displayUrl(raw: string): string {
  return redactUrl(raw, 'keep').replace(/\/$/, '');
}

/** Short, readable numbers in messages; evidence keeps the raw value. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** Rounded for reading, unless rounding would make it look equal to a threshold it is not equal to. */
export function readableValue(value: number, spec: Pick<PrometheusCheckSpec, 'fail' | 'warn'>): string {
  const rounded = formatNumber(value);
  const blurred = [spec.fail, spec.warn].some((bound) => bound !== undefined && bound !== value && formatNumber(bound) === rounded);
  return blurred ? String(value) : rounded;
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
