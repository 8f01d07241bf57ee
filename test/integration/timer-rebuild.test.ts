import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../bench/chaos/support/private-services.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { SHIPPED_TEMPLATES } from '../../src/deployments/default-templates.ts';
import { buildPlan } from '../../src/deployments/plan.ts';
import { openIncident } from '../../src/incidents/open-incident.ts';
import { jobIds } from '../../src/queue/names.ts';
import { applyQueueSettings } from '../../src/queue/queue-settings.ts';
import { timerJobsFor } from '../../src/queue/timer-jobs.ts';
import { rebuildTimers } from '../../src/recovery/rebuild-timers.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { createDeploymentRepository } from '../../src/store/deployments/index.ts';
import { createRecoveryRepository } from '../../src/store/recovery/recovery.repository.ts';
import { seedGoAssessment } from '../support/go-assessment.ts';
import { dropDatabase, privateDatabase } from '../support/private-database.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

/**
 * Redis loses everything (FLUSHALL on a Redis of this file's own, as a restart without persistence would): one
 * rebuild from Postgres arms every timer again, each fires once, and a rebuild of timers that exist adds nothing.
 */
const ONCALL = 'U0ONCALL';
const LEAD = 'U0LEAD';

let redis: PrivateRedis;
let databaseUrl: string;
let stack: TestStack;

beforeAll(async () => {
  redis = await startPrivateRedis({ persistence: 'none' });
  // A database of its own: the rebuild arms every timer of its database, and must not fire another file's.
  databaseUrl = await privateDatabase('timers');
  stack = await startTestStack({
    databaseUrl,
    redisUrl: redis.url,
    // Nothing rebuilds by itself: the test runs the rebuild when Redis has been emptied.
    incidentSweep: false,
    recoverySweep: false,
    configFor: () =>
      parseReadinessConfig(
        {
          roles: { 'on-call': { users: [ONCALL] }, 'tech-lead': { users: [LEAD] } },
          incidents: { severities: { sev1: { respondWithin: '1h', levels: [{ roles: ['on-call'] }, { roles: ['tech-lead'] }], repeat: 0 } } },
          services: {
            checkout: { environments: { production: {} }, checks: [{ id: 'health', name: 'Health', type: 'http', url: 'http://127.0.0.1:9/' }] },
          },
        },
        'timer rebuild config',
      ),
    standIn: { users: { [USER]: { name: 'reporter' }, [ONCALL]: { name: 'oncall' }, [LEAD]: { name: 'lead' } } },
  });
});
afterAll(async () => {
  await stack?.closeAll();
  await redis?.destroy();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

const flushRedis = () => promisify(execFile)('redis-cli', ['-p', String(redis.port), 'flushall']);
const db = () => stack.runtime.db;
const queues = () => ({ ...stack.runtime.queues.queues, escalations: stack.runtime.incidentQueues.queues.escalations });
const rebuild = () =>
  rebuildTimers({
    timers: createRecoveryRepository(db()),
    jobs: timerJobsFor(queues()),
    audit: createRecoveryRepository(db()),
    now: () => new Date(),
    logger: silentLogger,
  });
const audited = (subjectId: string, action: string) => db().auditEvent.count({ where: { subjectId, action } });

describe('after Redis lost everything', () => {
  it('an escalation whose timer was lost fires once, overdue at once; a second rebuild adds nothing', async () => {
    const { incident } = await openIncident(stack.runtime.incidents, {
      requestKey: `trigger-${randomUUID()}`,
      severity: 'SEV1',
      title: 'Checkout is down',
      service: 'checkout',
      openedBy: USER,
      originChannel: stack.channelId,
    });
    const firstStep = jobIds.escalation(incident.id, { plan: 0, level: 0, round: 0 });
    await until(() => queues().escalations.getJob(firstStep));
    await flushRedis();
    expect(await queues().escalations.getJob(firstStep)).toBeUndefined();
    // The outage lasted past the response target: the database says the step is overdue.
    await db().incident.update({ where: { id: incident.id }, data: { escalationDueAt: new Date(Date.now() - 1000) } });

    const report = await rebuild();
    expect(report.rebuilt).toBe(1);
    await until(async () => (await audited(incident.id, 'incident.escalated')) === 1);
    expect(await audited(incident.id, 'recovery.timer_rebuilt')).toBe(1);

    // The next level's timer was armed by the escalation itself: present, so nothing is added or fired again.
    await until(async () => (await db().incident.findUnique({ where: { id: incident.id } }))?.level === 1);
    expect((await rebuild()).rebuilt).toBe(0);
    expect(await audited(incident.id, 'incident.escalated')).toBe(1);
  });

  it('a sign-off request whose expiry timer was lost expires once', async () => {
    const assessmentId = await seedGoAssessment(db(), 'checkout', 'production');
    const request = await db().signoffRequest.create({
      data: {
        assessmentId,
        service: 'checkout',
        environment: 'production',
        requestedBy: USER,
        channelId: stack.channelId,
        threadTs: '1700000000.000100',
        requirements: [],
        verdict: 'GO',
        expiresAt: new Date(Date.now() - 1000),
      },
    });
    await flushRedis();
    // The flush lost the first test's next escalation timer as well: it is rebuilt too.
    expect((await rebuild()).rebuilt).toBeGreaterThanOrEqual(1);
    expect(await audited(request.id, 'recovery.timer_rebuilt')).toBe(1);
    await until(async () => (await db().signoffRequest.findUnique({ where: { id: request.id } }))?.status === 'EXPIRED');
    expect(await audited(request.id, 'signoff.expired')).toBe(1);
    expect((await rebuild()).rebuilt).toBe(0);
  });

  it('a plan whose expiry timer was lost expires once', async () => {
    const template = SHIPPED_TEMPLATES.standard;
    if (!template) throw new Error('no standard template');
    const built = buildPlan('standard', template, {
      deployUrl: 'http://127.0.0.1:9',
      service: 'checkout',
      environment: 'production',
      version: 'latest',
    });
    if (!built.ok) throw new Error(built.problems.join('; '));
    const { deployment } = await createDeploymentRepository(db()).create({
      requestKey: randomUUID(),
      service: 'checkout',
      environment: 'production',
      template: 'standard',
      version: null,
      requestedBy: USER,
      channelId: stack.channelId,
      threadTs: null,
      assessmentId: await seedGoAssessment(db(), 'checkout', 'production'),
      plan: built.plan,
      planExpiresAt: new Date(Date.now() - 1000),
    });
    await flushRedis();
    expect((await rebuild()).rebuilt).toBeGreaterThanOrEqual(1);
    expect(await audited(deployment.id, 'recovery.timer_rebuilt')).toBe(1);
    await until(async () => (await db().deployment.findUnique({ where: { id: deployment.id } }))?.status === 'CANCELLED');
    expect(await audited(deployment.id, 'deployment.expired')).toBe(1);
    expect((await rebuild()).rebuilt).toBe(0);
  });

  it("queue settings are applied again: the render queue's global concurrency and the incident sweep's scheduler", async () => {
    await flushRedis();
    const { render, escalations } = queues();
    expect(await render.getGlobalConcurrency()).toBeNull();
    await applyQueueSettings({ render, escalations });
    await applyQueueSettings({ render, escalations });
    expect(Number(await render.getGlobalConcurrency())).toBe(1);
    expect(await escalations.getJobSchedulersCount()).toBe(1);
  });
});
