import { errorFields, type Logger } from '../shared/logger.ts';
import type { InboxStore } from '../intake/request-inbox.ports.ts';

export interface InFlightRequests {
  /** Runs the handling of an inbox request, renewing its lease while it runs. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** How many are running now. */
  readonly size: number;
  /**
   * Waits for the running ones to finish, at most `timeoutMs`; returns how many had not. Those stay PENDING in the
   * inbox, and a worker replays them once their lease runs out.
   */
  drain(timeoutMs: number): Promise<number>;
}

/**
 * The inbox requests this process is handling. While one runs its lease is renewed every third of `leaseMs`, so a
 * slow handler is never replayed beside itself; a process that dies stops renewing, and its requests fall due.
 */
export function createInFlightRequests(deps: { store: Pick<InboxStore, 'renew'>; leaseMs: number; logger: Logger }): InFlightRequests {
  const running = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;

  const renew = () => {
    deps.store
      .renew([...running.keys()], deps.leaseMs)
      .catch((error: unknown) =>
        deps.logger.warn('could not renew the lease of running Slack requests', { count: running.size, ...errorFields(error) }),
      );
  };
  const startRenewing = () => {
    if (timer) return;
    timer = setInterval(renew, Math.max(50, Math.floor(deps.leaseMs / 3)));
    timer.unref();
  };
  const stopRenewingIfIdle = () => {
    if (running.size > 0 || !timer) return;
    clearInterval(timer);
    timer = undefined;
  };

  return {
    get size() {
      return running.size;
    },
    async run(key, task) {
      const promise = task();
      running.set(key, promise);
      startRenewing();
      try {
        return await promise;
      } finally {
        running.delete(key);
        stopRenewingIfIdle();
      }
    },
    async drain(timeoutMs) {
      let timeout: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, timeoutMs);
        timeout.unref();
      });
      await Promise.race([Promise.allSettled([...running.values()]), deadline]);
      clearTimeout(timeout);
      return running.size;
    },
  };
}
