import { afterEach, describe, expect, inject, it } from 'vitest';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { ackText, startTestStack, until, type TestStack } from '../support/test-stack.ts';

/** The inbox in a running bot: what it records, and what it does when it cannot. */

let stack: TestStack | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  await proxy?.up().catch(() => undefined);
  await stack?.closeAll();
  await proxy?.down();
  stack = undefined;
  proxy = undefined;
});

describe('the Slack request inbox of a running bot', () => {
  it('records a state-changing command before the ack and finishes it after; a read-only one is not recorded', async () => {
    stack = await startTestStack();
    const opened = await stack.run('incident sev4 Search results are stale');
    const listed = await stack.run('incidents');
    const row = await until(async () => {
      const found = await stack?.runtime.db.slackRequest.findUnique({ where: { key: `command:${opened.triggerId}` } });
      return found?.status === 'DONE' ? found : undefined;
    });
    expect(row).toMatchObject({
      kind: 'command',
      userId: 'U0TESTUSER',
      attempts: 1,
      body: null,
      responseUrl: null,
      scope: stack.runtime.settings.queuePrefix,
    });
    expect(row.finishedAt).not.toBeNull();
    expect(await stack.runtime.db.incident.count({ where: { requestKey: opened.triggerId } })).toBe(1);
    expect(await stack.runtime.db.slackRequest.count({ where: { key: `command:${listed.triggerId}` } })).toBe(0);
  });

  it('with Postgres not answering, refuses within 3 s saying why and that nothing was started; it works again once Postgres is back', async () => {
    proxy = await TcpProxy.start(inject('databaseUrl'));
    stack = await startTestStack({ databaseUrl: proxy.urlFor(inject('databaseUrl')) });
    await proxy.down();
    const refused = await stack.run('incident sev4 Checkout is slow');
    expect(refused.status).toBe(200);
    expect(refused.latencyMs).toBeLessThan(3000);
    expect(ackText(refused)).toMatch(/temporarily unavailable: its database is not answering .*Nothing was started/);

    await proxy.up();
    const current = stack;
    const accepted = await until(async () => {
      const ack = await current.run('incident sev4 Checkout is slow');
      return ackText(ack).includes('unavailable') ? undefined : ack;
    });
    await until(() => current.runtime.db.incident.findUnique({ where: { requestKey: accepted.triggerId } }));
    expect(await current.runtime.db.incident.count({ where: { requestKey: refused.triggerId } })).toBe(0);
  });
});
