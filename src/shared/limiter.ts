export interface LimiterOptions {
  /**
   * Awaited before each task takes its slot (after the yield to pending I/O): the bot passes its ack gate's `quiet`,
   * so follow-up work starts once no request is waiting for its ack. Awaited without a slot held, so a long wait
   * does not also keep the tasks that already passed it from running. @defaultValue nothing to wait for
   */
  waitFor?: (() => Promise<void>) | undefined;
}

/**
 * Runs at most `concurrency` tasks at once, the rest in arrival order. Each task first yields to pending I/O
 * (and waits for `waitFor`), so work that follows a Slack ack never delays the acks of requests still arriving.
 */
export function createLimiter(concurrency: number, options: LimiterOptions = {}) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function limit<T>(task: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await options.waitFor?.();
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}
export type Limiter = ReturnType<typeof createLimiter>;
