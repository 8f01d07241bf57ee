import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationProcessor } from '../../jobs/escalation.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { acknowledgeIncident } from '../../src/incidents/acknowledge-incident.ts';
import { deliverIncidentNotifications } from '../../src/incidents/deliver-notifications.ts';
import { escalateIncident } from '../../src/incidents/escalate-incident.ts';
import { incidentChat } from '../../src/slack/incident-chat.ts';
import { openIncident } from '../../src/incidents/open-incident.ts';
import { recoverIncidents } from '../../src/incidents/recover-incidents.ts';
import { resolveIncident } from '../../src/incidents/resolve-incident.ts';
import { createRedis } from '../../src/queue/connection.ts';
import { jobIds, QueueName } from '../../src/queue/names.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

const ONCALL = 'U0ONCALL';
const LEAD = 'U0LEAD';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    withWorkers: false,
    configFor: () =>
      parseReadinessConfig(
        {
          roles: { 'on-call': { users: [ONCALL] }, 'tech-lead': { users: [LEAD] } },
          incidents: { severities: { sev2: { respondWithin: '1h', levels: [{ roles: ['on-call'] }, { roles: ['tech-lead'] }], repeat: 0 } } },
          services: {
            checkout: { environments: { production: {} }, checks: [{ id: 'health', name: 'Health', type: 'http', url: 'http://127.0.0.1:9/' }] },
          },
        },
        'integration config',
      ),
    standIn: { users: { [USER]: { name: 'reporter' }, [ONCALL]: { name: 'oncall' }, [LEAD]: { name: 'lead' } } },
  });
});
afterAll(async () => {
  await stack.closeAll();
});

const deps = () => stack.runtime.incidents;
const open = (title = 'Checkout is down') =>
  openIncident(deps(), {
    requestKey: `trigger-${randomUUID()}`,
    severity: 'SEV2',
    title,
    service: 'checkout',
    openedBy: USER,
    originChannel: stack.channelId,
  });
const delivery = () => ({
  incidents: deps().incidents,
  chat: incidentChat(stack.runtime.slackForWorkers),
  now: () => new Date(),
  logger: silentLogger,
});
const audit = (incidentId: string, action: string) =>
  stack.runtime.db.auditEvent.findMany({ where: { subjectId: incidentId, action }, orderBy: { seq: 'asc' } });
const timer = (incidentId: string, level: number, plan = 0) =>
  stack.runtime.incidentQueues.queues.escalations.getJob(jobIds.escalation(incidentId, { plan, level, round: 0 }));

describe('guarded transitions', () => {
  it('a redelivered command finds the incident it opened', async () => {
    const requestKey = `trigger-${randomUUID()}`;
    const input = { requestKey, severity: 'SEV2' as const, title: 'Twice', service: null, openedBy: USER, originChannel: stack.channelId };
    const results = await Promise.all([1, 2, 3].map(() => openIncident(deps(), input)));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.incident.id)).size).toBe(1);
    expect(await stack.runtime.db.incident.count({ where: { requestKey } })).toBe(1);
  });

  it('acknowledge and resolve apply once however many clicks arrive at once', async () => {
    const { incident } = await open();
    const acks = await Promise.all([1, 2, 3, 4, 5].map((n) => acknowledgeIncident(deps(), { incidentId: incident.id, by: `U0CLICK${n}` })));
    expect(acks.filter((result) => result.ok)).toHaveLength(1);
    expect(acks.filter((result) => !result.ok).every((result) => !result.ok && result.reason === 'already_acknowledged')).toBe(true);
    expect(await audit(incident.id, 'incident.acknowledged')).toHaveLength(1);
    // The level-1 timer went with the acknowledgement.
    expect(await timer(incident.id, 0)).toBeUndefined();

    const resolves = await Promise.all([1, 2, 3].map(() => resolveIncident(deps(), { incidentId: incident.id, by: ONCALL, summary: 'fixed' })));
    expect(resolves.filter((result) => result.ok)).toHaveLength(1);
    expect(await audit(incident.id, 'incident.resolved')).toHaveLength(1);
    const row = await stack.runtime.db.incident.findUniqueOrThrow({ where: { id: incident.id } });
    expect(row).toMatchObject({ status: 'RESOLVED', resolvedBy: ONCALL });
    expect(row.timeToAcknowledgeSeconds).not.toBeNull();
    expect(row.timeToResolveSeconds).toBeGreaterThanOrEqual(row.timeToAcknowledgeSeconds ?? 0);
  });

  it('a timer for a step the incident has left changes nothing and pages no one', async () => {
    const { incident } = await open();
    const manual = await escalateIncident(deps(), {
      incidentId: incident.id,
      trigger: 'manual',
      by: ONCALL,
      expected: { plan: 0, level: 0, round: 0 },
    });
    expect(manual).toMatchObject({ ok: true, outcome: 'escalated' });
    const pagesBefore = await stack.runtime.db.incidentNotification.count({ where: { incidentId: incident.id } });
    const late = await escalateIncident(deps(), {
      incidentId: incident.id,
      trigger: 'timeout',
      by: 'system',
      expected: { plan: 0, level: 0, round: 0 },
    });
    expect(late).toMatchObject({ ok: false, reason: 'stale' });
    expect(await stack.runtime.db.incidentNotification.count({ where: { incidentId: incident.id } })).toBe(pagesBefore);
    expect(await audit(incident.id, 'incident.escalated')).toHaveLength(1);
    // A second manual click on the same (now stale) step is refused too.
    const again = await escalateIncident(deps(), { incidentId: incident.id, trigger: 'manual', by: LEAD, expected: { plan: 0, level: 0, round: 0 } });
    expect(again).toMatchObject({ ok: false, reason: 'stale' });
  });
});

describe('an acknowledgement racing the escalation timer', () => {
  it('either stops the escalation or reports it superseded: no page is ever sent after the acknowledgement was recorded', async () => {
    const opened = await Promise.all(Array.from({ length: 12 }, (_, n) => open(`Race ${n}`)));
    // Deliver the alerts and level-1 pages first, so the race is about level 2.
    for (const { incident } of opened) await deliverIncidentNotifications(delivery(), incident.id);

    await Promise.all(
      opened.map(async ({ incident }, n) => {
        const ack = () => acknowledgeIncident(deps(), { incidentId: incident.id, by: ONCALL });
        const fire = () =>
          escalateIncident(deps(), { incidentId: incident.id, trigger: 'timeout', by: 'system', expected: { plan: 0, level: 0, round: 0 } });
        const drain = () => deliverIncidentNotifications(delivery(), incident.id);
        // Three orders: all at once (the acknowledgement usually lands first); the timer first with its pages still
        // queued when the acknowledgement arrives alongside the drainer; the timer and the drainer racing, then the ack.
        if (n % 3 === 0) await Promise.all([fire(), ack(), drain()]);
        else if (n % 3 === 1) await fire().then(() => Promise.all([ack(), drain()]));
        else await Promise.all([fire(), drain()]).then(ack);
        await drain();
      }),
    );

    let superseded = 0;
    let escalatedFirst = 0;
    for (const { incident } of opened) {
      const row = await stack.runtime.db.incident.findUniqueOrThrow({ where: { id: incident.id } });
      expect(row.status).toBe('ACKNOWLEDGED');
      const acknowledgedAt = row.acknowledgedAt as Date;
      const pages = await stack.runtime.db.incidentNotification.findMany({ where: { incidentId: incident.id, onlyWhileOpen: true } });
      for (const page of pages) {
        if (page.status === 'SENT') expect((page.sentAt as Date).getTime()).toBeLessThanOrEqual(acknowledgedAt.getTime());
        else expect(page.status).toBe('SUPERSEDED');
      }
      const escalated = await audit(incident.id, 'incident.escalated');
      const supersededEvents = await audit(incident.id, 'incident.escalation_superseded');
      expect(escalated.length + supersededEvents.length).toBe(1);
      if (supersededEvents.length === 1) superseded += 1;
      else escalatedFirst += 1;
      // Whatever happened is in the thread, and nothing is left to send.
      expect(await stack.runtime.db.incidentNotification.count({ where: { incidentId: incident.id, status: 'PENDING' } })).toBe(0);
    }
    // Both sides of the race were exercised.
    expect(superseded).toBeGreaterThan(0);
    expect(escalatedFirst).toBeGreaterThan(0);
  });
});

describe('escalation timers in BullMQ', () => {
  it('have deterministic ids: arming a step twice leaves one timer, and it fires once across two workers', async () => {
    const { incident } = await open();
    const step = { plan: 0, level: 0, round: 0 };
    const soon = new Date(Date.now() + 300);
    // Replace the hour-long level-1 timer with a short one, as if the step were due now.
    await stack.runtime.incidentQueues.scheduler.cancelEscalation(incident.id, step);
    await stack.runtime.db.incident.update({ where: { id: incident.id }, data: { escalationDueAt: soon } });
    await Promise.all([1, 2, 3].map(() => stack.runtime.incidentQueues.scheduler.scheduleEscalation(incident.id, step, soon)));
    expect(await stack.runtime.incidentQueues.queues.escalations.getJobCountByTypes('delayed')).toBeGreaterThanOrEqual(1);
    expect((await timer(incident.id, 0))?.id).toBe(jobIds.escalation(incident.id, step));

    const connection = createRedis(stack.runtime.settings.redisUrl, 'worker', silentLogger);
    const recovery = { incidents: deps().incidents, scheduler: stack.runtime.incidentQueues.scheduler, now: () => new Date() };
    const workers = [1, 2].map(
      () =>
        new Worker(QueueName.escalations, escalationProcessor({ incident: deps(), recovery }), {
          connection,
          prefix: stack.runtime.settings.queuePrefix,
          concurrency: 5,
        }),
    );
    try {
      await until(async () => (await stack.runtime.db.incident.findUniqueOrThrow({ where: { id: incident.id } })).level === 1);
      // The next step's timer is armed under its own id; the fired one is done.
      expect(await timer(incident.id, 1)).toBeDefined();
      expect(await (await timer(incident.id, 0))?.getState()).toBe('completed');
      expect(await audit(incident.id, 'incident.escalated')).toHaveLength(1);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
      connection.disconnect();
    }
  });

  it('the sweep re-arms a timer Redis lost and queues undelivered posts, without duplicating what exists', async () => {
    const { incident } = await open();
    const step = { plan: 0, level: 0, round: 0 };
    expect(await timer(incident.id, 0)).toBeDefined();
    // Lost between the commit and the enqueue (a crash): neither the timer nor the delivery job exists.
    await stack.runtime.incidentQueues.queues.escalations.remove(jobIds.escalation(incident.id, step));
    await stack.runtime.incidentQueues.queues.notify.obliterate({ force: true });
    const recovery = { incidents: deps().incidents, scheduler: stack.runtime.incidentQueues.scheduler, now: () => new Date() };
    const first = await recoverIncidents(recovery);
    expect(first.rearmed).toBeGreaterThanOrEqual(1);
    const rearmed = await timer(incident.id, 0);
    expect(rearmed).toBeDefined();
    // Due when the database says, not an hour from now.
    const dueAt = (await stack.runtime.db.incident.findUniqueOrThrow({ where: { id: incident.id } })).escalationDueAt as Date;
    expect(Math.abs((rearmed?.timestamp ?? 0) + (rearmed?.delay ?? 0) - dueAt.getTime())).toBeLessThan(1000);
    const notifyJobs = await stack.runtime.incidentQueues.queues.notify.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(notifyJobs.some((job) => job.data.incidentId === incident.id)).toBe(true);

    const again = await recoverIncidents(recovery);
    expect(await stack.runtime.incidentQueues.queues.escalations.getJobCountByTypes('delayed')).toBeGreaterThanOrEqual(1);
    const present = await stack.runtime.incidentQueues.scheduler.rearmEscalation(incident.id, step, dueAt);
    expect(present).toBe('present');
    expect(again.deliveries).toBeGreaterThanOrEqual(1);
  });
});
