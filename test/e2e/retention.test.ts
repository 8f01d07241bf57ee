import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { createDb, type Db } from '../../src/store/prisma.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

/* Check results past `retention.checkResultsDays` go away by themselves once a bot and a worker run. */

const DAY_MS = 86_400_000;
const service = `purged-${randomUUID().slice(0, 8)}`;
let db: Db;
let stack: TestStack;

async function assessmentAged(days: number): Promise<string> {
  const createdAt = new Date(Date.now() - days * DAY_MS);
  const row = await db.assessment.create({
    data: {
      service,
      environment: 'staging',
      status: 'COMPLETED',
      requestKey: randomUUID(),
      requestedBy: 'U0PURGE',
      channelId: 'C0DEMO',
      verdict: 'GO',
      score: 100,
      createdAt,
      checks: {
        create: [
          {
            checkId: 'health',
            name: 'Health',
            type: 'http',
            category: 'infrastructure',
            severity: 'high',
            spec: { id: 'health' },
            status: 'PASS',
            message: 'fine',
            evidence: {},
          },
        ],
      },
    },
  });
  return row.id;
}

beforeAll(async () => {
  db = createDb(inject('databaseUrl'), silentLogger);
});
afterAll(async () => {
  await stack?.closeAll();
  await db?.$disconnect();
});

describe('retention.checkResultsDays', () => {
  it('purges older check results daily without anyone asking, keeping the assessments', async () => {
    const old = await assessmentAged(20);
    const recent = await assessmentAged(5);
    stack = await startTestStack({
      configFor: (baseUrl) =>
        parseReadinessConfig(
          {
            retention: { checkResultsDays: 10 },
            services: {
              [service]: { environments: { staging: {} }, checks: [{ id: 'health', name: 'Health', type: 'http', url: `${baseUrl}/healthz` }] },
            },
          },
          'retention test config',
        ),
    });
    await until(async () => (await db.checkResult.count({ where: { assessmentId: old } })) === 0, 30_000);
    expect(await db.checkResult.count({ where: { assessmentId: recent } })).toBe(1);
    expect(await db.assessment.count({ where: { id: { in: [old, recent] } } })).toBe(2);
  });
});
