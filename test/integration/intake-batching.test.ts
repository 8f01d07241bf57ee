import { randomBytes } from 'node:crypto';
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
});
