import { randomBytes, randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { purgeProcessor } from '../../jobs/retention.ts';
import { jobIds, QueueName } from '../../src/queue/names.ts';
import { retentionSchedulerFor } from '../../src/queue/queues.ts';
import { purgeDayOf } from '../../src/retention/purge-check-results.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { createDb, type Db } from '../../src/store/prisma.ts';
import { createRetentionRepository } from '../../src/store/retention.repository.ts';

const DAY_MS = 86_400_000;
const service = `retained-${randomUUID().slice(0, 8)}`;
const prefix = `rtret${randomBytes(3).toString('hex')}`;
let db: Db;
let connection: Redis;
let queue: Queue;
let events: QueueEvents;
let worker: Worker;
const now = new Date();

async function assessmentWithChecks(ageDays: number, checks: number): Promise<string> {
  const createdAt = new Date(now.getTime() - ageDays * DAY_MS);
  const assessment = await db.assessment.create({
    data: {
      service,
      environment: 'prod',
      status: 'COMPLETED',
      requestKey: randomUUID(),
      requestedBy: 'U0RETAIN',
      channelId: 'C0RETAIN',
      verdict: 'GO',
      score: 100,
      createdAt,
      checks: {
        create: Array.from({ length: checks }, (_, index) => ({
          checkId: `check-${index}`,
          name: `Check ${index}`,
          type: 'http',
          category: 'infrastructure',
          severity: 'high',
          spec: { id: `check-${index}`, type: 'http', url: 'https://x' },
          status: 'PASS',
          message: 'fine',
          evidence: {},
        })),
      },
    },
  });
  await db.auditEvent.create({
    data: {
      actor: 'U0RETAIN',
      action: 'assessment.requested',
      subjectType: 'assessment',
      subjectId: assessment.id,
      dedupeKey: `retention-test-${assessment.id}`,
      at: createdAt,
    },
  });
  return assessment.id;
}

beforeAll(async () => {
  db = createDb(inject('databaseUrl'), silentLogger);
  connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  queue = new Queue(QueueName.maintenance, { connection, prefix });
  events = new QueueEvents(QueueName.maintenance, { connection: new Redis(inject('redisUrl'), { maxRetriesPerRequest: null }), prefix });
  await events.waitUntilReady();
});
afterAll(async () => {
  await worker?.close();
  await events?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  connection?.disconnect();
  await db?.$disconnect();
});

describe('the daily purge of check results', () => {
  it('deletes the check results of assessments older than retention.checkResultsDays (30 here) in batches, keeping the assessments and the audit trail', async () => {
    // Bots of e2e tests running meanwhile purge at the default 90 days; only this worker's 30 days takes `older`.
    const old = await assessmentWithChecks(120, 5);
    const older = await assessmentWithChecks(45, 2);
    const borderline = await assessmentWithChecks(29, 2);
    const recent = await assessmentWithChecks(1, 3);
    worker = new Worker(
      QueueName.maintenance,
      purgeProcessor({
        retention: { checkResultsDays: 30 },
        checkResults: createRetentionRepository(db),
        batchSize: 2,
        now: () => now,
        logger: silentLogger,
      }),
      { connection: new Redis(inject('redisUrl'), { maxRetriesPerRequest: null }), prefix },
    );
    const scheduler = retentionSchedulerFor(queue);
    const day = purgeDayOf(now);
    await scheduler.enqueuePurge(day);
    await scheduler.enqueuePurge(day); // a second replica asking for the same day adds nothing
    const job = await queue.getJob(jobIds.purgeCheckResults(day));
    const result = (await job?.waitUntilFinished(events, 30_000)) as { deleted: number };
    expect(result.deleted).toBeGreaterThanOrEqual(2);
    expect(await queue.getJobCounts('completed', 'waiting', 'delayed')).toMatchObject({ completed: 1, waiting: 0, delayed: 0 });

    const remaining = await db.checkResult.groupBy({
      by: ['assessmentId'],
      where: { assessmentId: { in: [old, older, borderline, recent] } },
      _count: true,
    });
    expect(Object.fromEntries(remaining.map((row) => [row.assessmentId, row._count]))).toEqual({ [borderline]: 2, [recent]: 3 });
    expect(await db.assessment.count({ where: { id: { in: [old, older, borderline, recent] } } })).toBe(4);
    expect(await db.auditEvent.count({ where: { subjectId: { in: [old, older, borderline, recent] } } })).toBe(4);
  });
});
