import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { jobIds } from '../../src/queue/names.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { validateBlocks } from '../../src/slack/block-kit-limits.ts';
import { ids } from '../../src/slack/ids.ts';
import { ackText, startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

const INCIDENTS = 'C0INCIDENTS';
const ONCALL = 'U0ONCALL';
const LEAD = 'U0LEAD';
const RESPONDER = 'U0RESPONDER';
/** Short levels keep the escalation tests to a few seconds; they are not timing assertions. */
const LEVEL_MS = 1200;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          // RESPONDER is never paged: the incident commander role lets them press every incident button.
          roles: { 'on-call': { users: [ONCALL] }, 'tech-lead': { users: [LEAD] }, 'incident-commander': { users: [RESPONDER] } },
          incidents: {
            channel: INCIDENTS,
            severities: {
              // cto is deliberately not a role here: its level pages the channel only.
              sev1: { respondWithin: LEVEL_MS, levels: [{ roles: ['on-call'] }, { roles: ['tech-lead'] }, { roles: ['cto'] }], repeat: 0 },
              sev2: { respondWithin: LEVEL_MS, levels: [{ roles: ['on-call'] }, { roles: ['tech-lead'] }], repeat: 0 },
              sev3: { respondWithin: '1h', levels: [{ roles: ['on-call'] }] },
            },
            runbooks: { outage: 'https://runbooks.example.com/outage', 'high-error-rate': 'https://runbooks.example.com/errors' },
          },
          services: {
            checkout: {
              environments: { production: { vars: { baseUrl } } },
              checks: [{ id: 'health', name: 'Health', type: 'http', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'incidents e2e config',
      ),
    standIn: {
      channels: ['C0DEMO', INCIDENTS],
      users: { [USER]: { name: 'reporter' }, [ONCALL]: { name: 'oncall' }, [LEAD]: { name: 'lead' }, [RESPONDER]: { name: 'responder' } },
    },
  });
});
afterAll(async () => {
  await stack.closeAll();
});

const text = (message: StoredMessage | undefined) => `${message?.text ?? ''}\n${JSON.stringify(message?.blocks ?? [])}`;
const threadOf = (ts: string) => stack.standIn.messages(INCIDENTS).filter((message) => message.threadTs === ts);
const dmsTo = (user: string) => stack.standIn.messages(`D${user.slice(1)}`);

async function openByCommand(command: string) {
  const ack = await stack.run(command);
  const incident = await until(() => stack.runtime.db.incident.findUnique({ where: { requestKey: ack.triggerId } }));
  const alert = await stack.standIn.waitFor(() => {
    const row = stack.standIn
      .messages(INCIDENTS)
      .find((message) => message.threadTs === undefined && message.text?.includes(`INC-${incident.number}:`));
    return row;
  });
  return { ack, incident, alert };
}

const latest = (id: string) => stack.runtime.db.incident.findUniqueOrThrow({ where: { id } });

describe('/readiness incident: open, escalate on time, acknowledge', () => {
  it('alerts the channel, pages level 1, escalates through the levels when nobody acknowledges, and stops on acknowledge', async () => {
    const { ack, incident, alert } = await openByCommand('incident sev1 Checkout is down checkout');
    expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
    expect(ackText(ack)).toContain(`Opening a *SEV1* incident “Checkout is down” — the alert will appear in <#${INCIDENTS}>`);
    expect(incident).toMatchObject({
      severity: 'SEV1',
      status: 'OPEN',
      title: 'Checkout is down',
      service: 'checkout',
      openedBy: USER,
      channelId: INCIDENTS,
    });

    // The alert: severity, service, who opened it, runbook, the three buttons.
    expect(validateBlocks(alert.blocks, 'message')).toEqual([]);
    const shown = text(alert);
    expect(shown).toContain('SEV1 · INC-');
    expect(shown).toContain('outage, data loss, security breach');
    expect(shown).toContain('checkout');
    expect(shown).toContain(`<@${USER}>`);
    expect(shown).toContain('https://runbooks.example.com/outage');
    for (const action of [ids.incident.acknowledge, ids.incident.escalate, ids.incident.resolve]) expect(shown).toContain(action);

    // Level 1: mentioned in the thread and sent a DM.
    await stack.standIn.waitFor(() => threadOf(alert.ts).find((reply) => reply.text?.includes(`Paging level 1 of 3: <@${ONCALL}>`)));
    await stack.standIn.waitFor(() => dmsTo(ONCALL).find((dm) => dm.text?.includes(`INC-${incident.number}`)));

    // Nobody acknowledges: level 2 after level 1's timeout, then level 3 (an undefined role: the channel only, and it says so).
    const level2 = await stack.standIn.waitFor(() => threadOf(alert.ts).find((reply) => reply.text?.includes('escalating to level 2 of 3')), 15_000);
    expect(level2.text).toContain(`<@${LEAD}>`);
    await stack.standIn.waitFor(() => dmsTo(LEAD).find((dm) => dm.text?.includes(`INC-${incident.number}`)));
    const level3 = await stack.standIn.waitFor(() => threadOf(alert.ts).find((reply) => reply.text?.includes('escalating to level 3 of 3')), 15_000);
    expect(level3.text).toContain('`cto` is not defined in readiness.yaml, so this page goes to the channel only');

    // Never early: each escalation happened at or after its level's due time.
    const escalations = await stack.runtime.db.auditEvent.findMany({
      where: { subjectId: incident.id, action: 'incident.escalated' },
      orderBy: { seq: 'asc' },
    });
    expect(escalations).toHaveLength(2);
    for (const event of escalations) expect((event.data as { lateMs: number }).lateMs).toBeGreaterThanOrEqual(0);

    // The alert shows level 3 now; acknowledge stops the escalation.
    const afterLevel3 = await latest(incident.id);
    expect(afterLevel3.level).toBe(2);
    await stack.standIn.clickButton(stack.eventsUrl, { channel: INCIDENTS, ts: alert.ts, actionId: ids.incident.acknowledge, userId: RESPONDER });
    await stack.standIn.waitFor(() => threadOf(alert.ts).find((reply) => reply.text?.includes(`Acknowledged by <@${RESPONDER}>`)));
    const acknowledged = await latest(incident.id);
    expect(acknowledged).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: RESPONDER, escalationDueAt: null });
    expect(acknowledged.timeToAcknowledgeSeconds).toBeGreaterThanOrEqual(2);
    // Nothing is left that could page again: the last level's timer is gone.
    const timer = await stack.runtime.incidentQueues.queues.escalations.getJob(jobIds.escalation(incident.id, { plan: 0, level: 2, round: 0 }));
    expect(timer).toBeUndefined();
    await stack.standIn.waitFor(() => text(stack.standIn.message(INCIDENTS, alert.ts)).includes('*Acknowledged*'));
    expect(text(stack.standIn.message(INCIDENTS, alert.ts))).not.toContain(ids.incident.acknowledge);
  });

  it('a second click on Acknowledge changes nothing and says who acknowledged', async () => {
    const { incident, alert } = await openByCommand('incident sev3 Search results are stale');
    const first = await stack.standIn.clickButton(stack.eventsUrl, {
      channel: INCIDENTS,
      ts: alert.ts,
      actionId: ids.incident.acknowledge,
      userId: RESPONDER,
    });
    await until(async () => (await latest(incident.id)).status === 'ACKNOWLEDGED');
    await stack.standIn.sendInteraction(stack.eventsUrl, { ...first.payload, response_url: undefined });
    const reply = await stack.standIn.waitFor(() =>
      stack.standIn.responses.find((response) => String(response.body.text).includes('already acknowledged')),
    );
    expect(String(reply.body.text)).toContain(`<@${RESPONDER}>`);
    expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: incident.id, action: 'incident.acknowledged' } })).toBe(1);
  });
});

describe('resolve with a summary', () => {
  it('asks for a summary, closes the incident, records the times and posts the review skeleton', async () => {
    const { incident, alert } = await openByCommand('incident sev2 Payments fail with 500 errors checkout');
    expect(incident.kind).toBe('high-error-rate');
    await stack.standIn.clickButton(stack.eventsUrl, { channel: INCIDENTS, ts: alert.ts, actionId: ids.incident.resolve, userId: RESPONDER });
    const modal = await stack.standIn.waitFor(() => stack.standIn.openedViews().find((view) => view.view.private_metadata === incident.id));

    const tooShort = await stack.standIn.submitView(stack.eventsUrl, {
      viewId: modal.id,
      userId: RESPONDER,
      values: { [ids.incident.summaryInput]: 'x' },
    });
    expect(tooShort.json).toMatchObject({ response_action: 'errors' });
    expect((await latest(incident.id)).status).toBe('OPEN');

    await stack.standIn.submitView(stack.eventsUrl, {
      viewId: modal.id,
      userId: RESPONDER,
      values: { [ids.incident.summaryInput]: 'Rolled back the payments deploy; errors back to normal' },
    });
    const resolved = await until(async () => {
      const row = await latest(incident.id);
      return row.status === 'RESOLVED' ? row : undefined;
    });
    expect(resolved).toMatchObject({
      resolvedBy: RESPONDER,
      resolutionSummary: 'Rolled back the payments deploy; errors back to normal',
      escalationDueAt: null,
    });
    expect(resolved.timeToResolveSeconds).not.toBeNull();
    expect(resolved.timeToAcknowledgeSeconds).not.toBeNull();

    const review = await stack.standIn.waitFor(() => threadOf(alert.ts).find((reply) => reply.text?.startsWith('Post-incident review')));
    expect(validateBlocks(review.blocks, 'message')).toEqual([]);
    const reviewText = text(review);
    for (const heading of ['*Timeline*', '*Impact*', '*Cause*', '*Actions*']) expect(reviewText).toContain(heading);
    expect(reviewText).toContain('Paged level 1');
    expect(reviewText).toContain('Resolved by');
    expect(threadOf(alert.ts).some((reply) => reply.text?.includes('Resolved by') && reply.text.includes('Rolled back the payments deploy'))).toBe(
      true,
    );
    await stack.standIn.waitFor(() => text(stack.standIn.message(INCIDENTS, alert.ts)).includes('*Resolved*'));
    expect(stack.standIn.message(INCIDENTS, alert.ts)?.blocks?.some((block) => (block as { type: string }).type === 'actions')).toBe(false);
  });
});

describe('severity change from the alert', () => {
  it('raising re-plans the timers under the new policy and pages its first level; a stale click changes nothing', async () => {
    const { incident, alert } = await openByCommand('incident sev3 Recommendations missing');
    const sev3Timer = jobIds.escalation(incident.id, { plan: 0, level: 0, round: 0 });
    expect(await stack.runtime.incidentQueues.queues.escalations.getJob(sev3Timer)).toBeDefined();
    const dmsBefore = dmsTo(ONCALL).length;

    const click = await stack.standIn.clickButton(stack.eventsUrl, {
      channel: INCIDENTS,
      ts: alert.ts,
      actionId: ids.incident.raise,
      userId: RESPONDER,
    });
    const raised = await until(async () => {
      const row = await latest(incident.id);
      return row.severity === 'SEV2' ? row : undefined;
    });
    expect(raised).toMatchObject({ plan: 1, level: 0, round: 0, status: 'OPEN' });
    // The SEV3 timer (an hour) is gone; the SEV2 one runs on SEV2's timeout.
    expect(await stack.runtime.incidentQueues.queues.escalations.getJob(sev3Timer)).toBeUndefined();
    const sev2Timer = await stack.runtime.incidentQueues.queues.escalations.getJob(jobIds.escalation(incident.id, { plan: 1, level: 0, round: 0 }));
    expect(sev2Timer?.opts.delay).toBeLessThanOrEqual(LEVEL_MS);
    await stack.standIn.waitFor(() => threadOf(alert.ts).find((reply) => reply.text?.includes('Severity raised from SEV3 to SEV2')));
    await stack.standIn.waitFor(() => dmsTo(ONCALL).length > dmsBefore);

    // The same (now stale) Raise click again: refused, nothing changes.
    await stack.standIn.sendInteraction(stack.eventsUrl, { ...click.payload, response_url: undefined });
    await stack.standIn.waitFor(() => stack.standIn.responses.find((response) => String(response.body.text).includes('now *SEV2*')));
    expect((await latest(incident.id)).plan).toBe(1);

    // Lowering an acknowledged incident records the change and arms no timer.
    await stack.standIn.clickButton(stack.eventsUrl, { channel: INCIDENTS, ts: alert.ts, actionId: ids.incident.acknowledge, userId: RESPONDER });
    await until(async () => (await latest(incident.id)).status === 'ACKNOWLEDGED');
    await stack.standIn.waitFor(
      () =>
        text(stack.standIn.message(INCIDENTS, alert.ts)).includes('Lower to SEV3') &&
        text(stack.standIn.message(INCIDENTS, alert.ts)).includes('*Acknowledged*'),
    );
    // Lowering asks why first.
    await stack.standIn.clickButton(stack.eventsUrl, { channel: INCIDENTS, ts: alert.ts, actionId: ids.incident.lower, userId: RESPONDER });
    const modal = await stack.standIn.waitFor(() =>
      stack.standIn.openedViews().find((view) => view.view.private_metadata === `${incident.id}/SEV2/SEV3`),
    );
    await stack.standIn.submitView(stack.eventsUrl, {
      viewId: modal.id,
      userId: RESPONDER,
      values: { [ids.incident.lowerReasonInput]: 'Only one region was affected' },
    });
    const lowered = await until(async () => {
      const row = await latest(incident.id);
      return row.severity === 'SEV3' ? row : undefined;
    });
    expect(lowered).toMatchObject({ status: 'ACKNOWLEDGED', plan: 2, escalationDueAt: null });
    await stack.standIn.waitFor(() =>
      threadOf(alert.ts).find(
        (reply) => reply.text?.includes('Severity lowered from SEV2 to SEV3') && reply.text.includes('Only one region was affected'),
      ),
    );
  });
});

describe('/readiness incidents', () => {
  it('lists open incidents, most severe first', async () => {
    // Other test files share the database, so the list holds their incidents too: a SEV1 is at its top.
    const { incident } = await openByCommand('incident sev1 Payments are down everywhere');
    const ack = await stack.run('incidents');
    expect(ackText(ack)).toContain('Looking up open incidents');
    const listed = await stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === ack.responseUrl));
    const body = String(listed.body.text);
    expect(body).toMatch(/open incidents?\*, most severe first/);
    expect(body).toContain(`INC-${incident.number} · Payments are down everywhere`);
    expect(listed.body.response_type).toBe('ephemeral');
    const positions = ['*SEV1*', '*SEV2*', '*SEV3*', '*SEV4*'].map((marker) => body.indexOf(marker)).filter((at) => at >= 0);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it.each([
    ['incident', /How severe is it\?/],
    ['incident sev9 Things broke', /`sev9` is not a severity/],
    ['incident sev2', /Give the incident a title/],
    ['incident sev2 "Unclosed quote is fine', /^:rotating_light: Opening/],
    ['incidents now', /takes nothing after it/],
  ])('/readiness %s', async (command, expected) => {
    const ack = await stack.run(command);
    expect(ackText(ack)).toMatch(expected);
    // Other test files open incidents in the same database at the same time: look for this command's own.
    if (!String(expected).includes('Opening')) expect(await stack.runtime.db.incident.count({ where: { requestKey: ack.triggerId } })).toBe(0);
  });

  it('escapes the title everywhere it is shown', async () => {
    const { alert } = await openByCommand('incident sev4 <!channel> look at <https://evil.example|this>');
    // Only mrkdwn is parsed for mentions and links; the plain_text header shows the title as typed.
    const mrkdwn = [
      alert.text ?? '',
      ...Array.from(JSON.stringify(alert.blocks).matchAll(/"type":"mrkdwn","text":"((?:[^"\\]|\\.)*)"/g), (match) => match[1] ?? ''),
    ];
    expect(mrkdwn.join('\n')).not.toContain('<!channel>');
    expect(alert.text).toContain('&lt;!channel&gt;');
    expect(alert.text).toContain('&lt;https://evil.example|this&gt;');
  });
});
