export interface Repeating {
  /** No further run starts; resolves once the one in progress (if any) has finished. */
  stop(): Promise<void>;
  /** Runs now instead of at the next interval; when a run is in progress, runs once more right after it. */
  runSoon(): void;
}

/**
 * Runs `run` now, then `intervalMs` after each run has finished, so two runs never overlap however long one
 * takes. A run that throws is handed to `onError` and the next one starts on time. The timer does not keep
 * the process alive.
 */
export function repeatWithoutOverlap(run: () => Promise<unknown>, intervalMs: number, onError: (error: unknown) => void): Repeating {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let again = false;
  const tick = () => {
    timer = undefined;
    current = Promise.resolve()
      .then(run)
      .then(
        () => undefined,
        (error: unknown) => {
          try {
            onError(error);
          } catch {
            // A failing error handler must not stop the repetition.
          }
        },
      )
      .finally(() => {
        current = undefined;
        if (stopped) return;
        timer = setTimeout(tick, again ? 0 : intervalMs);
        again = false;
        timer.unref();
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
    runSoon() {
      if (stopped) return;
      if (current) {
        again = true;
        return;
      }
      if (timer) clearTimeout(timer);
      tick();
    },
  };
}
