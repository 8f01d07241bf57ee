/**
 * Runs at most `concurrency` tasks at once, the rest in arrival order. Each task first yields to pending I/O,
 * so work that follows a Slack ack never delays the acks of requests still arriving.
 */
export function createLimiter(concurrency: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function limit<T>(task: () => Promise<T>): Promise<T> {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}
export type Limiter = ReturnType<typeof createLimiter>;
