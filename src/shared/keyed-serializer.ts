/**
 * Runs tasks that share a key one after the other, in arrival order, and tasks of different keys side by side.
 * The waiting happens here, in memory, rather than on a database row lock: a task that waits holds nothing.
 */
export function createKeyedSerializer() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const before = tails.get(key) ?? Promise.resolve();
      // The next task starts once this one settles, whether it succeeded or not.
      const result = before.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      // The last task of a key removes it, so the map holds only keys with work queued.
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    /** Keys with a task running or waiting. */
    get size() {
      return tails.size;
    },
  };
}
export type KeyedSerializer = ReturnType<typeof createKeyedSerializer>;
