import { withTimeout } from './timeout.ts';

export interface KeyedBatcherOptions {
  /** Loads of one key that may run at once; requests made while all of them run wait for the next. @defaultValue 1 */
  concurrency?: number;
  /** Most items in one load; the rest wait for the next. @defaultValue no limit */
  maxBatch?: number;
  /**
   * A load that has not settled after this long fails every request in it, and the key's next load starts: one
   * hung load (a Redis that accepted the connection and stopped answering) must not hold every later request of
   * the key. The hung load itself is not cancelled; its late answer is ignored. @defaultValue no limit
   */
  timeoutMs?: number;
}

/**
 * Coalesces lookups that share a key into few loads. A request goes out at once when fewer than `concurrency`
 * loads of its key are running; requests made while that many run wait and go out together in the next load.
 * A burst (a worker picking up 200 check jobs of one assessment) therefore costs a handful of queries instead
 * of one per job, while a lone request waits for nothing, and every answer is read after it was asked for.
 *
 * `load` gets the requested items in order (duplicates included) and returns one result per item, in the same
 * order; `round` counts the loads since the key was last idle (0 for the first of a burst). If it throws, every
 * request of that load is rejected with the error.
 *
 * `withdraw(key, matches)` takes back the requests of the key that still wait for a load (not yet handed to one)
 * and whose item matches, rejecting each with WithdrawnError; it returns how many it took back. A request already
 * in a load is beyond recall: what it does is the load's business.
 */
export function createKeyedBatcher<Item, Result>(
  load: (key: string, items: readonly Item[], round: number) => Promise<readonly Result[]>,
  options: KeyedBatcherOptions = {},
) {
  const concurrency = options.concurrency ?? 1;
  const maxBatch = options.maxBatch ?? Number.POSITIVE_INFINITY;
  interface Request {
    item: Item;
    resolve: (result: Result) => void;
    reject: (error: unknown) => void;
  }
  interface KeyState {
    waiting: Request[];
    running: number;
    rounds: number;
  }
  const keys = new Map<string, KeyState>();

  async function run(key: string, batch: Request[], round: number): Promise<void> {
    try {
      const loading = load(
        key,
        batch.map((request) => request.item),
        round,
      );
      const results = options.timeoutMs === undefined ? await loading : await withTimeout(loading, options.timeoutMs);
      if (results.length !== batch.length) throw new Error(`a batch load answered ${results.length} results for ${batch.length} items`);
      for (const [i, request] of batch.entries()) request.resolve(results[i] as Result);
    } catch (error) {
      for (const request of batch) request.reject(error);
    }
  }

  function pump(key: string, state: KeyState): void {
    while (state.waiting.length > 0 && state.running < concurrency) {
      const batch = state.waiting.splice(0, maxBatch);
      state.running += 1;
      void run(key, batch, state.rounds++).finally(() => {
        state.running -= 1;
        pump(key, state);
        if (state.running === 0 && state.waiting.length === 0) keys.delete(key);
      });
    }
  }

  function request(key: string, item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const state = keys.get(key) ?? { waiting: [], running: 0, rounds: 0 };
      keys.set(key, state);
      state.waiting.push({ item, resolve, reject });
      pump(key, state);
    });
  }

  function withdraw(key: string, matches: (item: Item) => boolean): number {
    const state = keys.get(key);
    if (!state) return 0;
    const taken = state.waiting.filter((waiting) => matches(waiting.item));
    if (taken.length === 0) return 0;
    state.waiting = state.waiting.filter((waiting) => !matches(waiting.item));
    // A key with nothing running has nothing waiting either (pump sends it at once), so the state stays in use.
    for (const waiting of taken) waiting.reject(new WithdrawnError());
    return taken.length;
  }

  return Object.assign(request, { withdraw });
}

/** The rejection of a request taken back before any load carried it: nothing of it was sent. */
export class WithdrawnError extends Error {
  constructor() {
    super('withdrawn before it was sent');
    this.name = 'WithdrawnError';
  }
}
