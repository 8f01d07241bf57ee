import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { openSystemIncident } from '../../src/incidents/open-system-incident.ts';
import type { RunningWorkers } from '../../jobs/workers.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

const INCIDENTS = 'C0INCIDENTS';
const ONCALL = 'U0ONCALL';
const LEAD = 'U0LEAD';
const GHOST = 'U0GHOST';
const LEVEL_MS = 1000;

let stack: TestStack | undefined;
const extraWorkers: RunningWorkers[] = [];
afterEach(async () => {
  await Promise.all(extraWorkers.splice(0).map((workers) => workers.close()));
  await stack?.closeAll();
  stack = undefined;
});

function start(levels: object[], channels = ['C0DEMO', INCIDENTS]) {
  return startTestStack({
    configFor: () =>
      parseReadinessConfig(
        {
          roles: { 'on-call': { users: [ONCALL] }, 'tech-lead': { users: [LEAD] } },
          incidents: { channel: INCIDENTS, severities: { sev2: { respondWithin: LEVEL_MS, levels, repeat: 0 } } },
          services: {
            checkout: {
              environments: { production: {} },
              checks: [{ id: 'health', name: 'Health', type: 'http', url: 'http://127.0.0.1:9/healthz' }],
            },
          },
        },
        'reliability config',
      ),
    standIn: {
      channels,
      // GHOST is not a member of the workspace: a DM to them fails for good.
      users: { [USER]: { name: 'reporter' }, [ONCALL]: { name: 'oncall' }, [LEAD]: { name: 'lead' } },
    },
  });
}

const dmsTo = (current: TestStack, user: string) => current.standIn.messages(`D${user.slice(1)}`);
// A service of its own per report: the database is shared, and an open incident of the same service and cause would merge.
const report = () => ({
  service: `checkout-${randomUUID().slice(0, 8)}`,
  environment: 'production',
  cause: 'deployment-failed',
  severity: 'SEV2' as const,
  summary: 'the deployment failed its health gate',
  occurrenceKey: randomUUID(),
});

describe('restarting the workers mid-escalation', () => {
  it('neither loses nor repeats a page: the overdue timer fires once when workers are back, even as two replicas', async () => {
    // Level 1 gets 2.5 s: time to see its page delivered and stop the workers before it is due, even on a busy machine.
    stack = await start([{ roles: ['on-call'], timeout: 2500 }, { roles: ['tech-lead'] }]);
    const current = stack;
    const ack = await current.run('incident sev2 Checkout is slow checkout');
    const incident = await until(() => current.runtime.db.incident.findUnique({ where: { requestKey: ack.triggerId } }));
    // Level 1 is paged, then the workers stop before its timer is due.
    await current.standIn.waitFor(() => dmsTo(current, ONCALL).length === 1);
    await current.workers?.close();
    const dueAt = incident.escalationDueAt?.getTime() ?? 0;
    expect(Date.now()).toBeLessThan(dueAt);

    // The timer is due while no worker runs: nothing happens, nothing is lost.
    await until(async () => Date.now() > dueAt + 300);
    expect((await current.runtime.db.incident.findUniqueOrThrow({ where: { id: incident.id } })).level).toBe(0);
    expect(dmsTo(current, LEAD)).toHaveLength(0);

    // Two worker processes come back at once: level 2 is paged exactly once.
    extraWorkers.push(...(await Promise.all([current.startWorkers(), current.startWorkers()])));
    await current.standIn.waitFor(() => dmsTo(current, LEAD).length === 1, 10_000);
    const escalated = await current.runtime.db.auditEvent.findMany({ where: { subjectId: incident.id, action: 'incident.escalated' } });
    expect(escalated).toHaveLength(1);
    expect((escalated[0]?.data as { lateMs: number } | undefined)?.lateMs).toBeGreaterThan(0);

    // Restart again after level 2 (the last level; no repeat), then acknowledge: still one page each.
    await Promise.all(extraWorkers.splice(0).map((workers) => workers.close()));
    extraWorkers.push(await current.startWorkers());
    const alertTs = (await current.runtime.db.incident.findUniqueOrThrow({ where: { id: incident.id } })).messageTs ?? '';
    await current.standIn.clickButton(current.eventsUrl, { channel: INCIDENTS, ts: alertTs, actionId: ids.incident.acknowledge, userId: LEAD });
    await until(async () => (await current.runtime.db.incident.findUniqueOrThrow({ where: { id: incident.id } })).status === 'ACKNOWLEDGED');
    await until(async () => (await current.runtime.db.incidentNotification.count({ where: { incidentId: incident.id, status: 'PENDING' } })) === 0);
    expect(dmsTo(current, ONCALL)).toHaveLength(1);
    expect(dmsTo(current, LEAD)).toHaveLength(1);
    const pages = await current.runtime.db.auditEvent.findMany({ where: { subjectId: incident.id, action: 'incident.paged' } });
    expect(pages).toHaveLength(2);
  });
});

describe('a page Slack rejects', () => {
  it('is retried with backoff through 5xx and 429 until Slack takes it, and posted once', async () => {
    stack = await start([{ roles: ['on-call'], timeout: '1h' }]);
    const current = stack;
    // The alert, then the thread page, then the DM hit a 500, a 503 and a 429 in turn.
    current.standIn.failNext('chat.postMessage', { status: 500 });
    current.standIn.failNext('chat.postMessage', { status: 503, error: 'service_unavailable' });
    current.standIn.failNext('chat.postMessage', { retryAfterSeconds: 1 });
    const opened = await openSystemIncident(current.runtime.incidents, { ...report(), originChannel: INCIDENTS });
    if (!opened.ok) throw new Error('not opened');
    await until(
      async () => (await current.runtime.db.incidentNotification.count({ where: { incidentId: opened.incident.id, status: { not: 'SENT' } } })) === 0,
      20_000,
    );
    const rows = await current.runtime.db.incidentNotification.findMany({ where: { incidentId: opened.incident.id }, orderBy: { seq: 'asc' } });
    expect(rows.map((row) => row.destination)).toEqual(['alert', 'incident_thread', 'dm']);
    expect(rows.every((row) => row.status === 'SENT')).toBe(true);
    // The 5xx failures were counted; the 429 waited out Retry-After.
    expect(rows[0]?.attempts).toBeGreaterThan(1);
    expect(current.standIn.callsTo('chat.postMessage').filter((call) => call.status === 429)).toHaveLength(1);
    expect(dmsTo(current, ONCALL)).toHaveLength(1);
    const alerts = current.standIn.messages(INCIDENTS).filter((message) => message.threadTs === undefined);
    expect(alerts).toHaveLength(1);
  });

  it('that Slack refuses for good is marked failed and said in the thread, never silently dropped', async () => {
    stack = await start([{ users: [GHOST, ONCALL], timeout: '1h' }]);
    const current = stack;
    const opened = await openSystemIncident(current.runtime.incidents, { ...report(), originChannel: INCIDENTS });
    if (!opened.ok) throw new Error('not opened');
    const note = await current.standIn.waitFor(() =>
      current.standIn.messages(INCIDENTS).find((message) => message.text?.includes(`Could not send the page DM to <@${GHOST}>`)),
    );
    expect(note.text).toContain('channel_not_found');
    const failed = await current.runtime.db.incidentNotification.findMany({ where: { incidentId: opened.incident.id, status: 'FAILED' } });
    expect(failed.map((row) => row.channel)).toEqual([GHOST]);
    expect(await current.runtime.db.auditEvent.count({ where: { subjectId: opened.incident.id, action: 'incident.notification_failed' } })).toBe(1);
    await current.standIn.waitFor(() => dmsTo(current, ONCALL).length === 1);
  });
});

describe('an incidents channel the bot cannot post in', () => {
  it('tells the person who opened the incident, which is recorded all the same', async () => {
    stack = await start([{ roles: ['on-call'], timeout: '1h' }], ['C0DEMO']);
    const current = stack;
    const ack = await current.run('incident sev2 Checkout is down checkout');
    const reply = await current.standIn.waitFor(() => current.standIn.responses.find((response) => response.url === ack.responseUrl));
    expect(String(reply.body.text)).toMatch(/is recorded, but Slack refused the alert in <#C0INCIDENTS> \(`channel_not_found`\)/);
    expect(reply.body.response_type).toBe('ephemeral');
    const incident = await current.runtime.db.incident.findUniqueOrThrow({ where: { requestKey: ack.triggerId } });
    expect(incident.status).toBe('OPEN');
    expect(
      await current.runtime.db.auditEvent.count({ where: { subjectId: incident.id, action: 'incident.notification_failed' } }),
    ).toBeGreaterThanOrEqual(1);
  });
});
