import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/shared/logger.ts';
import { createInFlightRequests } from '../../../src/slack/in-flight-requests.ts';

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('the requests a process is handling', () => {
  it('renews the lease of the running ones only, while they run', async () => {
    const renewals: string[][] = [];
    const renewed = gate();
    const inFlight = createInFlightRequests({
      store: {
        renew: async (keys) => {
          renewals.push([...keys]);
          renewed.open();
        },
      },
      leaseMs: 150,
      logger: silentLogger,
    });
    const slow = gate();
    const running = inFlight.run('command:slow', () => slow.opened);
    await inFlight.run('command:quick', async () => undefined);
    await renewed.opened;
    expect(renewals[0]).toEqual(['command:slow']);
    slow.open();
    await running;
    expect(inFlight.size).toBe(0);
  });

  it('drains: waits for the running ones, but no longer than asked, and says how many did not finish', async () => {
    const inFlight = createInFlightRequests({ store: { renew: async () => undefined }, leaseMs: 60_000, logger: silentLogger });
    const finishing = gate();
    const stuck = gate();
    const done = inFlight.run('a', () => finishing.opened);
    void inFlight.run('b', () => stuck.opened);
    finishing.open();
    await done;
    expect(await inFlight.drain(100)).toBe(1);
    stuck.open();
    expect(await inFlight.drain(10_000)).toBe(0);
  });

  it('a failing renewal is logged, never thrown into the handler', async () => {
    const warnings: string[] = [];
    const failed = gate();
    const inFlight = createInFlightRequests({
      store: {
        renew: async () => {
          failed.open();
          throw new Error('database away');
        },
      },
      leaseMs: 150,
      logger: { ...silentLogger, warn: (message) => void warnings.push(message) },
    });
    const handler = gate();
    const running = inFlight.run('c', async () => {
      await failed.opened;
      await new Promise((resolve) => setImmediate(resolve));
      handler.open();
      return 'handled';
    });
    await handler.opened;
    expect(await running).toBe('handled');
    expect(warnings).toContain('could not renew the lease of running Slack requests');
  });
});
