import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startAdminListener, type AdminListener, type AdminRoute } from '../../../src/admin/admin-listener.ts';
import { healthRoutes } from '../../../src/admin/health-routes.ts';
import { describeProbeFailure } from '../../../src/secrets/probe-failure.ts';
import { createLogger } from '../../../src/shared/logger.ts';

const TOKEN = 'admin-token-0123456789abcdef';
let listener: AdminListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

async function start(routes: AdminRoute[], options: { token?: string | undefined; logs?: string[] } = { token: TOKEN }) {
  const logs = options.logs ?? [];
  listener = await startAdminListener({
    host: '127.0.0.1',
    port: 0,
    token: options.token,
    routes,
    logger: createLogger('debug', (line) => logs.push(line)),
  });
  return listener;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('the admin listener', () => {
  it('serves its routes with the bearer token, and refuses every path without it', async () => {
    const { url } = await start([{ path: '/hello', handle: () => ({ status: 200, contentType: 'text/plain', body: 'hi' }) }]);
    const ok = await fetch(`${url}/hello?probe=1`, bearer(TOKEN));
    expect([ok.status, await ok.text(), ok.headers.get('cache-control')]).toEqual([200, 'hi', 'no-store']);
    for (const init of [{}, bearer('admin-token-0123456789abcdeX'), bearer(''), { headers: { authorization: TOKEN } }]) {
      expect((await fetch(`${url}/hello`, init)).status).toBe(401);
      expect((await fetch(`${url}/elsewhere`, init)).status).toBe(401);
    }
  });

  it('asks for no token when none is configured', async () => {
    const { url } = await start([{ path: '/hello', handle: () => ({ status: 200, contentType: 'text/plain', body: 'hi' }) }], { token: undefined });
    expect((await fetch(`${url}/hello`)).status).toBe(200);
  });

  it('answers 404 for a path not in the table, 405 for a method other than GET or HEAD', async () => {
    const { url } = await start([{ path: '/hello', handle: () => ({ status: 200, contentType: 'text/plain', body: 'hi' }) }]);
    expect((await fetch(`${url}/nope`, bearer(TOKEN))).status).toBe(404);
    const post = await fetch(`${url}/hello`, { ...bearer(TOKEN), method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const head = await fetch(`${url}/hello`, { ...bearer(TOKEN), method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('answers 500 without the error’s text when a route throws, and logs it without the token', async () => {
    const logs: string[] = [];
    const { url } = await start([{ path: '/boom', handle: () => Promise.reject(new Error('database password is hunter2')) }], { token: TOKEN, logs });
    const response = await fetch(`${url}/boom`, bearer(TOKEN));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('hunter2');
    expect(logs.join('\n')).toContain('admin route failed');
    expect(logs.join('\n')).not.toContain(TOKEN);
  });

  it('answers 400 to a request whose target is not a URL, and keeps serving', async () => {
    const { url, port } = await start([{ path: '/hello', handle: () => ({ status: 200, contentType: 'text/plain', body: 'hi' }) }], {
      token: undefined,
    });
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('GET http://[oops HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect((await fetch(`${url}/hello`)).status).toBe(200);
  });

  it('says which setting to change when its port is taken', async () => {
    const first = await start([]);
    await expect(
      startAdminListener({ host: '127.0.0.1', port: first.port, token: undefined, routes: [], logger: createLogger('silent') }),
    ).rejects.toThrow(`the admin listener cannot listen on 127.0.0.1:${first.port} (EADDRINUSE); set ADMIN_PORT or ADMIN_HOST`);
  });
});

describe('healthRoutes', () => {
  it('/readyz is 503 with each dependency’s state when one is down; /healthz answers regardless', async () => {
    const report = { ready: false, dependencies: { postgres: 'ok', redis: 'connection refused' } };
    const { url } = await start(healthRoutes({ probeReadiness: async () => report }), { token: undefined });
    const ready = await fetch(`${url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([503, report]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });
});

describe('describeProbeFailure', () => {
  it.each([
    [
      new Error(
        "\nInvalid `prisma.$queryRaw()` invocation:\n\n\nRaw query failed. Code: `N/A`. Message: `Can't reach database server at 127.0.0.1:1`",
      ),
      "Can't reach database server at 127.0.0.1:1",
    ],
    [new Error('no answer within 2000 ms'), 'no answer within 2000 ms'],
    [new Error('connect ECONNREFUSED for postgresql://app:s3cret@db:5432/x'), 'connect ECONNREFUSED for postgresql://***@db:5432/x'],
    [new Error('connect failed for postgresql://app:p@ss@db:5432/x'), 'connect failed for postgresql://***@db:5432/x'],
    [new Error('connection to host=db user=app password=s3cret failed'), 'connection to host=db user=app password=*** failed'],
    [new Error(''), 'unavailable'],
    ['plain', 'plain'],
  ])('%s → %s', (error, text) => {
    expect(describeProbeFailure(error)).toBe(text);
  });
});
