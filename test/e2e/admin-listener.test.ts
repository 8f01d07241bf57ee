import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

let stack: TestStack | undefined;
const proxies: TcpProxy[] = [];
afterEach(async () => {
  for (const proxy of proxies) await proxy.up();
  await stack?.closeAll();
  for (const proxy of proxies.splice(0)) await proxy.down();
  stack = undefined;
});

const TOKEN = randomBytes(24).toString('hex');
const withToken = { headers: { authorization: `Bearer ${TOKEN}` } };
const get = (base: string, path: string, init: RequestInit = withToken) => fetch(new URL(path, base), init);

describe('the public (Slack) listener serves Slack’s endpoint only', () => {
  it('answers 404 to /healthz, /readyz and /metrics, which are on the admin listener instead', async () => {
    stack = await startTestStack({ admin: { token: TOKEN } });
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const response = await get(stack.eventsUrl, path, {});
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(await response.text()).not.toContain('readiness_');
    }
    // Slack's own endpoint still works there.
    const ack = await stack.run('help');
    expect(ack.status).toBe(200);
  });
});

describe('the bot’s admin listener', () => {
  it('with ADMIN_TOKEN set, every path needs the bearer token; with it, health and readiness answer', async () => {
    stack = await startTestStack({ admin: { token: TOKEN } });
    const admin = stack.adminUrl;
    expect(new URL(admin).hostname).toBe('127.0.0.1');
    for (const path of ['/healthz', '/readyz', '/metrics', '/nothing-here']) {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-of-some-length' }, { authorization: TOKEN }]) {
        const response = await get(admin, path, { headers });
        expect({ path, headers, status: response.status }).toEqual({ path, headers, status: 401 });
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    expect((await get(admin, '/healthz')).status).toBe(200);
    const ready = await get(admin, '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, dependencies: { postgres: 'ok', redis: 'ok' } });
    expect((await get(admin, '/nothing-here')).status).toBe(404);
    expect((await get(admin, '/metrics', { ...withToken, method: 'POST' })).status).toBe(405);
  });

  it('answers a burst of scrapes from one reading of Redis and Postgres', async () => {
    // A cache window far longer than the test, so a busy machine cannot make the burst straddle two windows.
    stack = await startTestStack({ admin: { token: TOKEN, metricsCacheMs: 600_000 } });
    const readings = async (count: number) =>
      Promise.all(
        Array.from({ length: count }, async () => {
          const response = await get(stack?.adminUrl ?? '', '/metrics');
          expect(response.status).toBe(200);
          const text = await response.text();
          expect(text).toContain('readiness_source_up{source="database"} 1');
          return Number(/^readiness_metrics_computed_total (\d+)$/m.exec(text)?.[1]);
        }),
      );
    const burst = await readings(25);
    const later = await readings(5);
    expect(new Set([...burst, ...later])).toEqual(new Set([1]));
  });

  it('/readyz is 503 naming the dependency that is down, and 200 again once it is back', async () => {
    const redis = await TcpProxy.start(inject('redisUrl'));
    const postgres = await TcpProxy.start(inject('databaseUrl'));
    proxies.push(redis, postgres);
    stack = await startTestStack({ redisUrl: redis.urlFor(inject('redisUrl')), databaseUrl: postgres.urlFor(inject('databaseUrl')) });
    const readyz = async () => {
      const response = await get(stack?.adminUrl ?? '', '/readyz', {});
      return { status: response.status, body: (await response.json()) as { ready: boolean; dependencies: Record<string, string> } };
    };
    expect(await readyz()).toEqual({ status: 200, body: { ready: true, dependencies: { postgres: 'ok', redis: 'ok' } } });

    await redis.down();
    const redisDown = await until(async () => ((await readyz()).status === 503 ? readyz() : undefined));
    expect(redisDown.body.ready).toBe(false);
    expect(redisDown.body.dependencies.postgres).toBe('ok');
    expect(redisDown.body.dependencies.redis).toMatch(/\w/);
    expect(redisDown.body.dependencies.redis).not.toBe('ok');
    await redis.up();
    await until(async () => (await readyz()).status === 200);

    await postgres.down();
    const postgresDown = await until(async () => ((await readyz()).status === 503 ? readyz() : undefined));
    expect(postgresDown.body.dependencies.redis).toBe('ok');
    expect(postgresDown.body.dependencies.postgres).toMatch(/reach database server|ECONNREFUSED|no answer within/);
    expect(postgresDown.body.dependencies.postgres).not.toContain('postgres@');
    await postgres.up();
    await until(async () => (await readyz()).status === 200);
  });
});

describe('a worker’s admin listener', () => {
  it('serves /healthz, /readyz and its process metrics, behind the same token', async () => {
    stack = await startTestStack({ admin: { token: TOKEN } });
    const admin = stack.workers?.adminUrl ?? '';
    expect(admin).not.toBe(stack.adminUrl);
    expect((await get(admin, '/healthz', {})).status).toBe(401);
    expect((await get(admin, '/healthz')).status).toBe(200);
    expect(await (await get(admin, '/readyz')).json()).toEqual({ ready: true, dependencies: { postgres: 'ok', redis: 'ok' } });
    expect(await (await get(admin, '/metrics')).text()).toMatch(/^readiness_process_process_cpu_user_seconds_total \d/m);
  });
});
