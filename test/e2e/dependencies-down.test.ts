import { afterEach, describe, expect, inject, it } from 'vitest';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { ackText, startTestStack, until, type TestStack } from '../support/test-stack.ts';

let stack: TestStack | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  await proxy?.up().catch(() => undefined);
  await stack?.closeAll();
  await proxy?.down();
  stack = undefined;
  proxy = undefined;
});

async function ephemeralAfter(current: TestStack, responseUrl: string): Promise<string> {
  const response = await current.standIn.waitFor(() => current.standIn.responses.find((candidate) => candidate.url === responseUrl));
  expect(response.body).toMatchObject({ response_type: 'ephemeral' });
  return String((response.body as { text?: string }).text);
}

/** Retries a command until the bot has reconnected, as a user pressing Enter again would. */
async function runUntilStarted(current: TestStack): Promise<string> {
  return until(async () => {
    const ack = await current.run('run example-api staging');
    // Settled: either the message was posted (so the enqueue succeeded) or the attempt was marked FAILED.
    const settled = await until(async () => {
      const row = await current.runtime.db.assessment.findUnique({ where: { requestKey: ack.triggerId } });
      return row && (row.messageTs !== null || row.status === 'FAILED') ? row : undefined;
    }, 5000).catch(() => undefined);
    return settled && settled.status !== 'FAILED' ? ack.triggerId : undefined;
  }, 20_000);
}

describe('when a dependency is down', () => {
  it('Redis: the user hears the queue is unavailable, nothing runs, and the bot recovers when Redis returns', async () => {
    proxy = await TcpProxy.start(inject('redisUrl'));
    stack = await startTestStack({ redisUrl: proxy.urlFor(inject('redisUrl')) });
    await proxy.down();

    // The run's only durable record before the ack is its intake job in Redis: without it the ack itself refuses.
    const ack = await stack.run('run example-api staging');
    expect(ack.status).toBe(200);
    const text = ackText(ack);
    expect(text).toMatch(/temporarily unavailable: its job queue \(Redis\) is not answering/);
    expect(text).toContain('Nothing was started');
    expect(await stack.runtime.db.assessment.findUnique({ where: { requestKey: ack.triggerId } })).toBeNull();

    await proxy.up();
    const triggerId = await runUntilStarted(stack);
    const { assessment } = await stack.finished(triggerId);
    expect(assessment.status).toBe('COMPLETED');
  });

  it('Postgres: the user hears the database is unavailable, nothing is enqueued, and the bot recovers', async () => {
    proxy = await TcpProxy.start(inject('databaseUrl'));
    stack = await startTestStack({ databaseUrl: proxy.urlFor(inject('databaseUrl')) });
    await proxy.down();

    const ack = await stack.run('run example-api staging');
    expect(ack.status).toBe(200);
    const text = await ephemeralAfter(stack, ack.responseUrl);
    expect(text).toMatch(/temporarily unavailable: its database is not answering/);
    expect(await stack.runtime.queues.queues.assessments.getJobCountByTypes('waiting-children', 'waiting', 'active', 'delayed', 'completed')).toBe(0);

    await proxy.up();
    const triggerId = await runUntilStarted(stack);
    const { assessment } = await stack.finished(triggerId);
    expect(assessment.status).toBe('COMPLETED');
  });
});

describe('the Slack updater', () => {
  it('waits out a 429 for the Retry-After Slack gave, then shows the final state', async () => {
    stack = await startTestStack();
    stack.standIn.failNext('chat.update', { retryAfterSeconds: 1 });

    const ack = await stack.run('run example-api staging');
    const { message } = await stack.finished(ack.triggerId);
    expect(message.text).toBe('Readiness example-api → staging: GO');

    const updates = stack.standIn.callsTo('chat.update');
    const limited = updates.findIndex((call) => call.status === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    const next = updates[limited + 1];
    expect(next?.status).toBe(200);
    // Retry-After is an instruction from Slack, not a performance figure: the next call must respect it.
    expect((next?.at ?? 0) - (updates[limited]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('coalesces a burst of changes into few updates of the same message', async () => {
    stack = await startTestStack();
    const ack = await stack.run('run example-api staging');
    const { assessment } = await stack.finished(ack.triggerId);
    const updatesOfMessage = stack.standIn.callsTo('chat.update').filter((call) => call.args.ts === assessment.messageTs);
    // Two checks finishing, RUNNING and COMPLETED are four changes; the 1 s window shows them in fewer calls.
    expect(updatesOfMessage.length).toBeGreaterThanOrEqual(1);
    expect(updatesOfMessage.length).toBeLessThanOrEqual(3);
  });
});
