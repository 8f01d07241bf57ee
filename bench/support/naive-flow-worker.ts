import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import { Agent, request } from 'undici';

/**
 * The floor the issue compares against: a naive BullMQ flow, one child job per check, each child one HTTP GET
 * (undici's `request`, as our http check), the parent finishing when the last child did. No database, no Slack.
 * Run as its own process by bench/command-to-verdict.ts (so it has a core to itself, as the real worker does).
 * Env: REDIS_URL, QUEUE_PREFIX, NAIVE_CONCURRENCY (child jobs at once).
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.QUEUE_PREFIX ?? 'naive';
const concurrency = Number(process.env.NAIVE_CONCURRENCY ?? '1000');
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const agent = new Agent({ connections: null });

// Several workers fetch side by side, as jobs/check-workers.ts does for the real checks queue.
const perWorker = 50;
const children = Array.from(
  { length: Math.ceil(concurrency / perWorker) },
  () =>
    new Worker(
      'naive-checks',
      async (job) => {
        const answer = await request(String(job.data.url), { dispatcher: agent });
        await answer.body.text();
        return answer.statusCode;
      },
      { connection, prefix, concurrency: perWorker },
    ),
);
const parent = new Worker('naive-assessments', async () => Date.now(), { connection, prefix, concurrency: 50 });

await Promise.all([...children, parent].map((worker) => worker.waitUntilReady()));
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void Promise.all([...children, parent].map((worker) => worker.close())).then(() => process.exit(0));
});
