/** Entries beyond this are pruned of past windows, so assessments that finished long ago are forgotten. */
const PRUNE_ABOVE = 256;

/**
 * Runs `task` once per key and time window in this process; later calls for the same key and window share
 * the first call's promise. A task that fails is forgotten, so the next call tries again.
 */
export function oncePerWindow() {
  const done = new Map<string, { window: number; task: Promise<unknown> }>();
  return {
    async once(key: string, window: number, task: () => Promise<unknown>): Promise<void> {
      const earlier = done.get(key);
      if (earlier?.window === window) {
        await earlier.task;
        return;
      }
      const started = task();
      done.set(key, { window, task: started });
      if (done.size > PRUNE_ABOVE) {
        for (const [other, entry] of done) if (entry.window < window) done.delete(other);
      }
      try {
        await started;
      } catch (error) {
        if (done.get(key)?.task === started) done.delete(key);
        throw error;
      }
    },
  };
}
