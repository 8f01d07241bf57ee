import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { jobIds } from '../../src/queue/names.ts';
import { dropDatabase, privateDatabase } from '../support/private-database.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

// Issue 12 part 2, recovery: a plan whose delayed expiry job was lost is expired by the workers' recovery sweep.
const DEPLOYER = 'U0DEPLOYER';

let stack: TestStack;
let databaseUrl = '';

beforeAll(async () => {
  // The sweep looks at every row of its database: this file gets its own, so it never touches another's plans.
  databaseUrl = await privateDatabase('plan_expiry');
  stack = await startTestStack({
    databaseUrl,
    recoverySweep: true,
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: { deployers: { users: [DEPLOYER] } },
          services: {
            shop: {
              environments: { staging: { vars: { baseUrl, deployUrl: 'http://127.0.0.1:9' }, deploy: { deployerRole: 'deployers' } } },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'plan expiry sweep test config',
      ),
  });
});
afterAll(async () => {
  await stack?.closeAll();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

describe('the recovery sweep', () => {
  it('expires a plan past its expiry whose delayed job is gone, once, and re-renders its message', async () => {
    const run = await stack.run('run shop staging', { userId: DEPLOYER });
    await stack.finished(run.triggerId);
    const ack = await stack.run('deploy shop staging', { userId: DEPLOYER });
    const planned = await until(() => stack.runtime.db.deployment.findFirst({ where: { requestKey: ack.triggerId, messageTs: { not: null } } }));
    expect(await stack.runtime.queues.queues.deployments.getJob(jobIds.planExpiry(planned.id))).toBeDefined();

    // Redis lost the job, and the plan is well past its expiry (beyond the sweep's grace).
    await stack.runtime.queues.queues.deployments.remove(jobIds.planExpiry(planned.id));
    await stack.runtime.db.deployment.update({ where: { id: planned.id }, data: { planExpiresAt: new Date(Date.now() - 5 * 60_000) } });

    // A worker starting up sweeps at once.
    await stack.startWorkers();
    const expired = await until(async () => {
      const row = await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id: planned.id } });
      return row.status === 'CANCELLED' ? row : undefined;
    });
    expect(expired.failureReason).toContain('the plan expired unstarted');
    expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: planned.id, action: 'deployment.expired' } })).toBe(1);
    await stack.standIn.waitFor(() =>
      JSON.stringify(stack.standIn.message(stack.channelId, planned.messageTs ?? '')?.blocks ?? []).includes('the plan expired unstarted'),
    );
  });
});
