import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatedTarget } from '../../bench/chaos/support/gated-target.ts';
import { startPrivateRedis, type PrivateRedis } from '../../bench/chaos/support/private-services.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { dropDatabase, privateDatabase } from '../support/private-database.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

// Our own Redis failing is never a verdict: Redis is SIGKILLed while check jobs are in flight, the checks answer
// while it is down, and it is started again a few seconds later — with AOF (the jobs come back and are recovered as
// stalled) and with no persistence (the jobs are gone; the recovery sweep requeues the assessment). Each assessment
// gets its true verdict (GO for a healthy service, NO-GO for a broken one), each check one result from one probe,
// and one verdict recorded.

const DOWN_MS = 5000;
/** AOF: the stall check (3 s) after the lock (10 s) lapses. None: the sweep's 30 s grace, then its next minute. */
const VERDICT_BOUND_MS = 150_000;

let target: GatedTarget;

beforeAll(async () => {
  target = await GatedTarget.start();
});
afterAll(async () => {
  await target?.close();
});

const services = (mode: string) => ({ ok: `healthy-${mode}`, down: `broken-${mode}` });
const probePath = (service: string) => `/${service.startsWith('healthy') ? 'ok' : 'down'}?service=${service}`;

for (const persistence of ['aof', 'none'] as const) {
  describe(`Redis stopped mid-check and started again (${persistence === 'aof' ? 'AOF' : 'no persistence'})`, () => {
    let redis: PrivateRedis;
    let databaseUrl: string;
    let stack: TestStack;
    const { ok, down } = services(persistence);

    beforeAll(async () => {
      redis = await startPrivateRedis({ persistence });
      // A database of its own: the recovery sweep looks at every row of its database.
      databaseUrl = await privateDatabase(`redis_outage_checks_${persistence}`);
      stack = await startTestStack({
        databaseUrl,
        redisUrl: redis.url,
        recoverySweep: true,
        configFor: () =>
          parseReadinessConfig(
            {
              services: Object.fromEntries(
                [ok, down].map((service) => [
                  service,
                  {
                    environments: { production: {} },
                    checks: [
                      {
                        id: 'health',
                        name: 'Health',
                        type: 'http',
                        severity: 'critical',
                        url: `${target.url}${probePath(service)}`,
                        timeoutMs: 60_000,
                      },
                    ],
                  },
                ]),
              ),
            },
            'redis outage checks',
          ),
      });
    }, 120_000);
    afterAll(async () => {
      await stack?.closeAll();
      await redis?.destroy();
      if (databaseUrl) await dropDatabase(databaseUrl);
    });

    it('each assessment gets its true verdict once Redis is back; one probe, one result, one verdict each', async () => {
      target.hold();
      const runs = [];
      for (const service of [ok, down]) runs.push({ service, ack: await stack.run(`run ${service} production`) });
      await until(async () => target.held >= 2, 60_000);

      await redis.kill();
      // The checks answer while Redis is down: their outcomes reach Postgres, their jobs cannot complete.
      target.release();
      const { db } = stack.runtime;
      await until(async () => (await db.checkResult.count({ where: { status: { not: 'PENDING' } } })) >= 2, 30_000);
      await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
      await redis.start();

      for (const { service, ack } of runs) {
        const row = await until(async () => {
          const found = await db.assessment.findUnique({ where: { requestKey: ack.triggerId } });
          return found && ['COMPLETED', 'FAILED', 'UNASSESSABLE'].includes(found.status) ? found : undefined;
        }, VERDICT_BOUND_MS);
        expect({ service, status: row.status, verdict: row.verdict }).toEqual({
          service,
          status: 'COMPLETED',
          verdict: service === ok ? 'GO' : 'NO_GO',
        });
        expect(await db.checkResult.count({ where: { assessmentId: row.id } })).toBe(1);
        expect(await db.auditEvent.count({ where: { subjectId: row.id, action: 'assessment.completed' } })).toBe(1);
        expect(target.requests(probePath(service))).toBe(1);
      }
    }, 240_000);
  });
}
