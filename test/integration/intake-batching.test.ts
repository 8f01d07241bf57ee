import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { NewAssessment } from '../../src/assessments/assessment.types.ts';
import { jobIds, QueueName } from '../../src/queue/names.ts';
import { intakeSchedulerFor } from '../../src/queue/queues.ts';

const opened: { queue: Queue; connection: Redis }[] = [];
afterEach(async () => {
  for (const { queue, connection } of opened.splice(0)) {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
});

function intakeQueue() {
  const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const queue = new Queue(QueueName.intake, { connection, prefix: `intakebatch${randomBytes(4).toString('hex')}` });
  opened.push({ queue, connection });
  return queue;
}

const request = (i: number): NewAssessment => ({
  requestKey: `trigger-${i}`,
  service: 'example-api',
  environment: 'staging',
  requestedBy: 'U0TEST',
  teamId: 'T0TEST',
  channelId: 'C0TEST',
});

describe('intake jobs of a burst of /readiness run, added together', () => {
  it('every caller returns only once its own job is in Redis, delayed as asked', async () => {
    const queue = intakeQueue();
    const scheduler = intakeSchedulerFor(queue);
    // 150 commands arriving together, as a burst does: each awaits its own add before it acks.
    await Promise.all(
      Array.from({ length: 150 }, async (_, i) => {
        await scheduler.enqueueIntake(request(i), 30_000);
        // Acked now: its job must already be there.
        const job = await queue.getJob(jobIds.intake(`trigger-${i}`));
        expect(job?.data).toMatchObject({ requestKey: `trigger-${i}`, service: 'example-api', channelId: 'C0TEST' });
        expect(job?.opts.delay).toBe(30_000);
      }),
    );
    expect(await queue.getJobCountByTypes('delayed')).toBe(150);
    // The same command again (Slack redelivering it) adds nothing.
    await scheduler.enqueueIntake(request(7), 30_000);
    expect(await queue.getJobCountByTypes('delayed')).toBe(150);
  });

  it('when the add fails, every command in it is told, none is left believing it was recorded', async () => {
    const queue = intakeQueue();
    const scheduler = intakeSchedulerFor(queue);
    await queue.waitUntilReady();
    // Redis gone from under the queue: the connection is closed, and stays closed.
    opened.at(-1)?.connection.disconnect();
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => scheduler.enqueueIntake(request(i), 30_000)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(20).fill('rejected'));
  });

  it('a pipeline that never answers fails its adds in bounded time, and the next pipeline is not held behind it', async () => {
    // A Redis that accepted the connection and stopped answering: a socket that takes every byte and answers none.
    const sockets: Socket[] = [];
    const blackHole = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const connection = new Redis({
      host: '127.0.0.1',
      port: (blackHole.address() as AddressInfo).port,
      maxRetriesPerRequest: null,
      lazyConnect: true,
    });
    const queue = new Queue(QueueName.intake, { connection, prefix: `intakehung${randomBytes(4).toString('hex')}` });
    queue.on('error', () => undefined);
    try {
      const scheduler = intakeSchedulerFor(queue, { timeoutMs: 200, maxBatch: 100 });
      const first = scheduler.enqueueIntake(request(1), 30_000);
      // Asked while the first pipeline is out: they go in the next one, which must not wait on the first forever.
      const later = [2, 3].map((i) => scheduler.enqueueIntake(request(i), 30_000));
      const outcomes = await Promise.allSettled([first, ...later]);
      expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'added'))).toEqual(
        Array(3).fill('Error: no answer within 200 ms'),
      );
    } finally {
      connection.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
  });
});
