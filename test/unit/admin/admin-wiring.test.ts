import { afterEach, describe, expect, it } from 'vitest';
import type { AdminListener } from '../../../src/admin/admin-listener.ts';
import { startAdmin } from '../../../src/main/admin-wiring.ts';
import { createLogger } from '../../../src/shared/logger.ts';

let listener: AdminListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

const deps = (logs: string[], renders: { count: number }) => ({
  probeReadiness: async () => ({ ready: true, dependencies: { postgres: 'ok', redis: 'ok' } }),
  metrics: { contentType: 'text/plain', render: async () => `renders ${++renders.count}` },
  logger: createLogger('debug', (line) => logs.push(line)),
});

describe('startAdmin', () => {
  it('logs the bound address and whether a token is asked, never the token itself', async () => {
    const logs: string[] = [];
    const token = 'the-admin-token-value-123';
    listener = await startAdmin('worker', { host: '127.0.0.1', port: 0, token }, deps(logs, { count: 0 }));
    expect(logs.join('\n')).toContain(`"admin":"${listener.url}"`);
    expect(logs.join('\n')).toContain('"tokenRequired":true');
    expect(logs.join('\n')).not.toContain(token);
    expect(logs.join('\n')).not.toContain('reachable beyond this host');
  });

  it('warns when the listener is reachable beyond this host without a token', async () => {
    const logs: string[] = [];
    listener = await startAdmin('bot', { host: '0.0.0.0', port: 0, token: undefined }, deps(logs, { count: 0 }));
    expect(logs.find((line) => line.includes('"level":"warn"'))).toContain('reachable beyond this host without a token; set ADMIN_TOKEN');
  });

  it('serves /metrics from one rendering within the cache window', async () => {
    const renders = { count: 0 };
    listener = await startAdmin('bot', { host: '127.0.0.1', port: 0, token: undefined, metricsCacheMs: 600_000 }, deps([], renders));
    const url = listener.url;
    const bodies = await Promise.all(Array.from({ length: 10 }, async () => (await fetch(`${url}/metrics`)).text()));
    expect(new Set(bodies)).toEqual(new Set(['renders 1']));
    expect(renders.count).toBe(1);
  });
});
