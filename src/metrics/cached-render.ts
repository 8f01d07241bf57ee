/** How long one /metrics reading is served again. @defaultValue 5000 */
export const METRICS_CACHE_MS = 5000;

/**
 * `compute`, at most once per `ttlMs`: calls that arrive while it runs share its result, and calls within `ttlMs`
 * after it finished get the same result again. A scrape burst (several Prometheus replicas, a dashboard) then
 * costs the database one reading. A failure is not kept: the next call tries again.
 */
export function cacheFor<T>(compute: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let running: Promise<T> | undefined;
  let last: { value: T; at: number } | undefined;
  return () => {
    if (running) return running;
    if (last && now() - last.at < ttlMs) return Promise.resolve(last.value);
    const current = compute().then(
      (value) => {
        last = { value, at: now() };
        running = undefined;
        return value;
      },
      (error: unknown) => {
        running = undefined;
        throw error;
      },
    );
    running = current;
    return current;
  };
}
