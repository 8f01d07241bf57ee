import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueName } from '../../src/queue/names.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.closeAll();
  stack = undefined;
});

const PASSWORD = randomBytes(18).toString('base64url');
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const signedIn = { authorization: basic('ops', PASSWORD) };
const board = (path: string, init: RequestInit = {}) => fetch(new URL(`/admin/queues${path}`, stack?.adminUrl), init);

describe('Bull Board on the bot’s admin listener', () => {
  it('is not served without a credential, and the bot says so when it starts', async () => {
    const lines: string[] = [];
    stack = await startTestStack({ logger: createLogger('info', (line) => lines.push(line)) });
    expect((await board('')).status).toBe(404);
    expect((await board('/api/queues', { headers: signedIn })).status).toBe(404);
    const notice = lines.map((line) => JSON.parse(line) as { msg: string }).find((line) => line.msg.startsWith('Bull Board is not mounted'));
    expect(notice?.msg).toBe('Bull Board is not mounted: set BULL_BOARD_PASSWORD to serve it at /admin/queues on the admin listener');
  });

  it('asks for the credential, shows every Readiness queue to whoever has it, and is read-only unless told otherwise', async () => {
    const lines: string[] = [];
    stack = await startTestStack({
      logger: createLogger('info', (line) => lines.push(line)),
      admin: { token: randomBytes(24).toString('hex'), queueBoard: { user: 'ops', password: PASSWORD, writable: false } },
    });
    for (const authorization of [undefined, basic('ops', 'wrong-password-of-some-length'), basic('admin', PASSWORD), `Bearer ${PASSWORD}`]) {
      const response = await board('', { headers: authorization === undefined ? {} : { authorization } });
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="Readiness queues"/);
    }
    const page = await board('', { headers: signedIn });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Readiness queues');
    // The page's own script is served from under the mount (its <base href> is /admin/queues/), behind the same credential.
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(html)?.[1] ?? 'static/js/main.js';
    expect((await board(`/${script}`)).status).toBe(401);
    const served = await board(`/${script}`, { headers: signedIn });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/javascript/);

    const api = await board('/api/queues', { headers: signedIn });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(queues.map((queue) => queue.name).sort()).toEqual(Object.values(QueueName).sort());
    expect(queues.every((queue) => queue.readOnlyMode)).toBe(true);

    const pause = await board('/api/queues/pause', { method: 'PUT', headers: signedIn });
    expect(pause.status).toBe(405);
    expect(await stack.runtime.queues.queues.checks.isPaused()).toBe(false);
    // The password never reaches a log line.
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(lines.join('\n')).toContain('Bull Board is mounted at /admin/queues');
  });

  it('with BULL_BOARD_WRITE an operator can pause a queue from the board, but a page of another site cannot', async () => {
    stack = await startTestStack({ admin: { queueBoard: { user: 'ops', password: PASSWORD, writable: true } } });
    const checks = stack.runtime.queues.queues.checks;
    const crossSite = await board(`/api/queues/${QueueName.checks}/pause`, {
      method: 'PUT',
      headers: { ...signedIn, 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(await checks.isPaused()).toBe(false);
    const sameOrigin = await board(`/api/queues/${QueueName.checks}/pause`, {
      method: 'PUT',
      headers: { ...signedIn, 'sec-fetch-site': 'same-origin' },
    });
    expect(sameOrigin.status).toBe(200);
    expect(await checks.isPaused()).toBe(true);
    await checks.resume();
  });
});
