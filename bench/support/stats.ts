/**
 * Small statistics helpers shared by the benchmarks. Percentiles use the nearest-rank method: the reported
 * value is always one that was actually observed, which is what a latency target ("p99 < 3 s") means.
 */

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const ascending = (a: number, b: number) => a - b;

function assertUsable(values: readonly number[]): void {
  if (values.length === 0) throw new RangeError('percentile of an empty sample');
  if (values.some((value) => !Number.isFinite(value))) throw new RangeError('percentile of a sample with a non-finite value');
}

/** The p-th percentile (0 ≤ p ≤ 100) of an already ascending-sorted sample, by nearest rank. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  assertUsable(sorted);
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** The p-th percentile (0 ≤ p ≤ 100) of a sample in any order, by nearest rank. Does not modify the input. */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted([...values].sort(ascending), p);
}

/** Several percentiles at once (one sort), keyed as given: `percentiles(xs, { p50: 50, p99: 99 })`. */
export function percentiles<K extends string>(values: readonly number[], wanted: Record<K, number>): Record<K, number> {
  const sorted = [...values].sort(ascending);
  const result = {} as Record<K, number>;
  for (const key of Object.keys(wanted) as K[]) result[key] = percentileOfSorted(sorted, wanted[key]);
  return result;
}

/** min / mean / p50 / p95 / p99 / max of a non-empty sample. */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort(ascending);
  assertUsable(sorted);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    min: sorted[0] as number,
    mean: sum / sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1] as number,
  };
}

/** Rounds to a fixed number of decimals, for JSON output that stays readable. */
export function round(value: number, decimals = 1): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
