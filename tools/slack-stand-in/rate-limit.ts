// Slack's per-method tiers are "about N calls per minute" and answered with 429 + Retry-After once
// exceeded. A rolling window (rather than fixed minute buckets) makes bursts fail the same way no
// matter where in the wall-clock minute a test happens to run.

const WINDOW_MS = 60_000;

export class RollingWindowLimiter {
  private readonly limits: Partial<Record<string, number>>;
  private readonly hits = new Map<string, number[]>();

  constructor(limits: Partial<Record<string, number>> = {}) {
    this.limits = limits;
  }

  /**
   * Counts the call and returns undefined when it is within the limit; otherwise returns the
   * whole seconds until the oldest counted call leaves the window. Refused calls are not counted,
   * so a client that honours Retry-After gets through on its next attempt.
   */
  take(method: string, now: number): number | undefined {
    const limit = this.limits[method];
    if (limit === undefined) return undefined;
    const recent = (this.hits.get(method) ?? []).filter((at) => now - at < WINDOW_MS);
    this.hits.set(method, recent);
    if (recent.length < limit) {
      recent.push(now);
      return undefined;
    }
    const oldest = recent[0] ?? now;
    return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
  }
}
