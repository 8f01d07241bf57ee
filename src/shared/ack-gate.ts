/**
 * How long follow-up work waits at most for the requests in flight to be acknowledged: a steady stream of requests
 * must not starve the work it started. The user already has their ack; this only orders what comes after. Under
 * Slack's 3 s ack deadline, so a burst that takes longer than this to ack was going to be late anyway.
 * @defaultValue 2000
 */
export const ACK_GATE_MAX_WAIT_MS = 2000;

/**
 * Counts the Slack requests owed an ack (body read, signature valid: body-guard.ts) and not yet answered, so the work that follows acks (recording
 * an assessment, posting its message: database queries, a Web API call) waits until none is waiting for its ack.
 * A burst of 200 commands then gets its 200 acks first, as a minimal Bolt app would, instead of sharing the event
 * loop with the follow-up work of the first acks. Durability does not depend on it: what an ack promises is
 * recorded before the ack (the intake job, the inbox row).
 */
export function createAckGate() {
  let pending = 0;
  let waiters: (() => void)[] = [];
  // Set when a wait ran out with requests still pending (a sustained stream, not a burst): from then until the
  // gate is next quiet, follow-up work no longer waits, so it keeps pace with the requests instead of trickling.
  let sustained = false;
  const wake = () => {
    sustained = false;
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };
  return {
    /** A request arrived; call the returned function once it has been answered (calling it again does nothing). */
    begin(): () => void {
      pending += 1;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        pending -= 1;
        if (pending === 0) wake();
      };
    },
    /** Requests arrived and not yet answered. */
    get pending(): number {
      return pending;
    },
    /**
     * Resolves once no request is waiting for its answer, or after `maxWaitMs` whatever the count; at once while
     * the stream of requests has not paused since a wait ran out.
     */
    quiet(maxWaitMs = ACK_GATE_MAX_WAIT_MS): Promise<void> {
      if (pending === 0 || sustained) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== release);
          sustained = pending > 0;
          resolve();
        }, maxWaitMs);
        const release = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push(release);
      });
    },
  };
}
export type AckGate = ReturnType<typeof createAckGate>;
