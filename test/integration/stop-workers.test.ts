import { randomBytes } from 'node:crypto';
import { Queue, type Job, type Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createWorker, WORKER_PROCESS_NAME } from '../../jobs/create-worker.ts';
import { stopWorkers } from '../../jobs/stop-workers.ts';
import { createRedis, type RedisConnection } from '../../src/queue/connection.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { until } from '../support/test-stack.ts';

// stopWorkers on real Redis: what a worker told to stop does with the jobs it is running.

const opened: { queue: Queue; connection: RedisConnection; workers: Worker[] }[] = [];

function setUp() {
  const connection = createRedis(inject('redisUrl'), 'worker', silentLogger);
  const prefix = `stop${randomBytes(4).toString('hex')}`;
  const queue = new Queue('jobs', { connection, prefix });
  const entry = { queue, connection, workers: [] as Worker[] };
  opened.push(entry);
  const worker = (processor: (job: Job) => Promise<unknown>) => {
    // One job at a time: BullMQ 6.7 can hang a close while a second slot is blocked waiting for a job (the stop's
    // grace period bounds that in production: see stopWorkers); these tests are about the running job.
    const made = createWorker('jobs', processor, { connection, prefix, concurrency: 1 });
    entry.workers.push(made);
    return made;
  };
  return { queue, worker, prefix, connection };
}

afterEach(async () => {
  for (const { queue, connection, workers } of opened.splice(0)) {
    await Promise.all(workers.map((worker) => worker.close(true)));
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  }
});

describe('stopWorkers', () => {
  it('lets a job that finishes within the grace period finish', async () => {
    const { queue, worker } = setUp();
    let finish: () => void = () => undefined;
    const running = worker(async () => await new Promise<void>((resolve) => (finish = resolve)));
    await queue.add('first', {}, { jobId: 'first' });
    await until(async () => (await queue.getJobState('first')) === 'active');
    expect((await queue.getJob('first'))?.processedBy).toBe(WORKER_PROCESS_NAME);

    const stopping = stopWorkers([running], 60_000, silentLogger);
    await until(async () => running.closing !== undefined);
    finish();
    expect(await stopping).toEqual({ stopped: 'drained' });
    expect(await queue.getJobState('first')).toBe('completed');
  });

  it('hands a job still running after the grace period back to the front of the queue, unlocked, for another worker', async () => {
    const { queue, worker, prefix, connection } = setUp();
    let release: () => void = () => undefined;
    const stuck = worker(async () => await new Promise<void>((resolve) => (release = resolve)));
    await queue.add('long', {}, { jobId: 'long' });
    await until(async () => (await queue.getJobState('long')) === 'active');

    expect(await stopWorkers([stuck], 100, silentLogger)).toEqual({ stopped: 'handed_off', jobs: 1 });
    expect(await queue.getJobState('long')).toBe('waiting');
    expect(await connection.keys(`${prefix}:jobs:*:lock`)).toEqual([]);

    const next = worker(async () => 'done elsewhere');
    await until(async () => (await queue.getJobState('long')) === 'completed');
    expect((await queue.getJob('long'))?.returnvalue).toBe('done elsewhere');
    // The first processor ending late changes nothing: its lock was given up with the job.
    release();
    await stuck.close();
    expect((await queue.getJob('long'))?.returnvalue).toBe('done elsewhere');
    await next.close();
  });
});
