import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../bench/chaos/support/private-services.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { openIncident } from '../../src/incidents/open-incident.ts';
import { jobIds } from '../../src/queue/names.ts';
import { dropDatabase, privateDatabase } from '../support/private-database.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

/**
 * The workers notice on their own: Redis killed and started again without persistence comes back empty, and the
 * recovery sweep the reconnect triggers puts the lost escalation timer and the render queue's concurrency back.
 */
const ONCALL = 'U0ONCALL';

let redis: PrivateRedis;
let databaseUrl: string;
let stack: TestStack;

beforeAll(async () => {
  redis = await startPrivateRedis({ persistence: 'none' });
  // A database of its own: the recovery sweep looks at every row of its database.
  databaseUrl = await privateDatabase('redis_emptied');
  stack = await startTestStack({
    databaseUrl,
    redisUrl: redis.url,
    recoverySweep: true,
    configFor: () =>
      parseReadinessConfig(
        {
          roles: { 'on-call': { users: [ONCALL] } },
          incidents: { severities: { sev1: { respondWithin: '1h', levels: [{ roles: ['on-call'] }], repeat: 0 } } },
          services: {
            checkout: { environments: { production: {} }, checks: [{ id: 'health', name: 'Health', type: 'http', url: 'http://127.0.0.1:9/' }] },
          },
        },
        'redis emptied config',
      ),
    standIn: { users: { [USER]: { name: 'reporter' }, [ONCALL]: { name: 'oncall' } } },
  });
});
afterAll(async () => {
  await stack?.closeAll();
  await redis?.destroy();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

describe('Redis restarted empty under running workers', () => {
  it('the reconnect rebuilds the escalation timer (audited once) and the render concurrency', async () => {
    const { incident } = await openIncident(stack.runtime.incidents, {
      requestKey: `trigger-${randomUUID()}`,
      severity: 'SEV1',
      title: 'Checkout is down',
      service: 'checkout',
      openedBy: USER,
      originChannel: stack.channelId,
    });
    const { escalations } = stack.runtime.incidentQueues.queues;
    const { render } = stack.runtime.queues.queues;
    const timerId = jobIds.escalation(incident.id, { plan: 0, level: 0, round: 0 });
    await until(() => escalations.getJob(timerId));
    await until(async () => Number(await render.getGlobalConcurrency()) === 1);

    await redis.kill();
    await redis.start();

    const rebuilt = await until(() => escalations.getJob(timerId).catch(() => undefined), 30_000);
    expect(await rebuilt.getState()).toBe('delayed');
    await until(async () => Number(await render.getGlobalConcurrency().catch(() => null)) === 1, 30_000);
    const audits = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: incident.id, action: 'recovery.timer_rebuilt' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]?.data).toMatchObject({ timer: 'escalation', jobId: timerId });
  });
});
