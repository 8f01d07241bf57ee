import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { NewAssessment } from '../../src/assessments/assessment.types.ts';
import { intakeRefusalsFor } from '../../src/queue/intake-refusals.ts';
import { jobIds, QueueName } from '../../src/queue/names.ts';
import { intakeSchedulerFor } from '../../src/queue/queues.ts';
import { WithdrawnError } from '../../src/shared/keyed-batcher.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { ackText, startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

// A run the person was told did not start must never start later, whichever of its intake add and its refusal
// reaches Redis first (commands/run.ts, IntakeScheduler.refuseIntake, settleIntake). The order is made, not hoped
// for: a proxy holds what a connection sends until the test releases it, as a stalled Redis would.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function proxyToRedis(): Promise<TcpProxy> {
  const proxy = await TcpProxy.start(inject('redisUrl'));
  cleanups.push(async () => {
    proxy.release();
    await proxy.down();
  });
  return proxy;
}

async function testStack(options: Parameters<typeof startTestStack>[0]): Promise<TestStack> {
  const stack = await startTestStack(options);
  cleanups.push(() => stack.closeAll());
  return stack;
}

/** An intake queue of the stack's prefix on a connection of its own, through `proxy`: another process's adds. */
async function intakeQueueThrough(proxy: TcpProxy, prefix: string): Promise<Queue> {
  const connection = new Redis(proxy.urlFor(inject('redisUrl')), { maxRetriesPerRequest: null });
  const queue = new Queue(QueueName.intake, { connection, prefix });
  queue.on('error', () => undefined);
  await queue.waitUntilReady();
  cleanups.push(async () => {
    await queue.close();
    connection.disconnect();
  });
  return queue;
}

const request = (current: TestStack, requestKey = `trigger-${randomUUID()}`): NewAssessment => ({
  requestKey,
  service: 'example-api',
  environment: 'staging',
  requestedBy: USER,
  teamId: null,
  channelId: current.channelId,
});

const recorded = (current: TestStack, requestKey: string) => current.runtime.db.assessment.findUnique({ where: { requestKey } });

describe('a /readiness run refused at the ack', () => {
  it('whose add was held in Redis past its 1 s: the refusal lands behind it and removes it, nothing is recorded; the next run is', async () => {
    const proxy = await proxyToRedis();
    // A delay longer than the hold, as in production (30 s against 1 s): the add lands still delayed, so the removal
    // behind it finds it (a shorter one lets a worker take it first; then the mark stops it, next test).
    const current = await testStack({ redisUrl: proxy.urlFor(inject('redisUrl')), intakeDelayMs: 5000 });
    const intake = current.runtime.queues.queues.intake;
    await intake.waitUntilReady();

    proxy.hold();
    const refused = await current.run('run example-api staging');
    expect(ackText(refused)).toContain('Nothing was started');
    // The add, then the refusal's mark and removal, all written and none run yet: now Redis runs them, in order.
    proxy.release();
    const refusals = intakeRefusalsFor(intake);
    await until(async () => (await refusals.wasRefused(refused.triggerId)) && (await intake.getJob(jobIds.intake(refused.triggerId))) === undefined);

    // A run after it goes the whole way; by then the refused one's delay is long past.
    const normal = await current.run('run example-api staging');
    expect(ackText(normal)).toContain('Assessing *example-api* in *staging*');
    const { assessment } = await current.finished(normal.triggerId);
    expect(assessment.messageTs).not.toBeNull();
    expect(await recorded(current, refused.triggerId)).toBeNull();
  });

  it('whose add lands only after the refusal (another connection): the intake job finds the mark, records and posts nothing', async () => {
    const current = await testStack({ intakeDelayMs: 500 });
    const proxy = await proxyToRedis();
    const late = intakeSchedulerFor(await intakeQueueThrough(proxy, current.runtime.settings.queuePrefix), { timeoutMs: 60_000, maxBatch: 100 });
    const run = request(current);

    proxy.hold();
    const adding = late.enqueueIntake(run, 500);
    // Refused on the bot's own connection, which Redis answers at once: the removal finds nothing to remove.
    await current.runtime.queues.intakeScheduler.refuseIntake(run.requestKey);
    proxy.release();
    await adding;

    const intake = current.runtime.queues.queues.intake;
    const job = await until(async () => {
      const found = await intake.getJob(jobIds.intake(run.requestKey));
      return found && (await found.isCompleted()) ? found : undefined;
    });
    expect(job.returnvalue).toEqual({ outcome: 'refused' });
    expect(await recorded(current, run.requestKey)).toBeNull();
    expect(current.standIn.callsTo('chat.postMessage')).toHaveLength(0);

    // The same worker still records a run nobody refused, whose bot died after the ack.
    const other = request(current);
    await current.runtime.queues.intakeScheduler.enqueueIntake(other, 0);
    const { assessment } = await current.finished(other.requestKey);
    expect(assessment.messageTs).not.toBeNull();
  });

  it('whose add still waited behind a pipeline that had not answered: it is taken back and never sent', async () => {
    const proxy = await proxyToRedis();
    const prefix = `intakerefusal${randomUUID().slice(0, 8)}`;
    const queue = await intakeQueueThrough(proxy, prefix);
    const scheduler = intakeSchedulerFor(queue, { timeoutMs: 60_000, maxBatch: 100 });
    const key = (name: string) => `trigger-${name}-${prefix}`;
    const asked = (name: string): NewAssessment => ({
      requestKey: key(name),
      service: 'example-api',
      environment: 'staging',
      requestedBy: USER,
      teamId: null,
      channelId: 'C0TEST',
    });
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
    });

    proxy.hold();
    const out = scheduler.enqueueIntake(asked('out'), 30_000);
    // Asked while the first pipeline is out: it waits for the next one, and is refused there.
    const waiting = scheduler.enqueueIntake(asked('waiting'), 30_000);
    const refusing = scheduler.refuseIntake(key('waiting'));
    await expect(waiting).rejects.toBeInstanceOf(WithdrawnError);
    proxy.release();
    await Promise.all([out, refusing]);
    // A later add goes out after the first pipeline answered: the refused one did not go with it.
    await scheduler.enqueueIntake(asked('after'), 30_000);

    expect(await queue.getJob(jobIds.intake(key('out')))).toBeDefined();
    expect(await queue.getJob(jobIds.intake(key('after')))).toBeDefined();
    expect(await queue.getJob(jobIds.intake(key('waiting')))).toBeUndefined();
    expect(await intakeRefusalsFor(queue).wasRefused(key('waiting'))).toBe(true);
    expect(await intakeRefusalsFor(queue).wasRefused(key('out'))).toBe(false);
  });

  it('whose first message Slack refuses for good: the intake job is refused too and never posts it', async () => {
    // The bot's refusal comes long before the intake's delay, as in production.
    const current = await testStack({ intakeDelayMs: 5000 });
    current.standIn.failNext('chat.postMessage', { error: 'channel_not_found' });
    const ack = await current.run('run example-api staging');
    expect(ackText(ack)).toContain('Assessing *example-api* in *staging*');
    const intake = current.runtime.queues.queues.intake;
    const refusals = intakeRefusalsFor(intake);
    await until(async () => (await refusals.wasRefused(ack.triggerId)) && (await intake.getJob(jobIds.intake(ack.triggerId))) === undefined);
    // The assessment was recorded and runs; only its message is not shown, and nobody tries again.
    const row = await until(() => recorded(current, ack.triggerId));
    expect(row.messageTs).toBeNull();
    expect(current.standIn.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
