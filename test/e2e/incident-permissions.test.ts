import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { validateView } from '../../src/slack/block-kit-limits.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

const INCIDENTS = 'C0INCIDENTS';
const ONCALL = 'U0ONCALL';
const COMMANDER = 'U0COMMANDER';
const BYSTANDER = 'U0BYSTANDER';
/** The incident commanders are a Slack usergroup: membership is looked up through usergroups.users.list. */
const COMMANDERS_GROUP = 'S0COMMANDERS';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: { 'on-call': { users: [ONCALL] }, 'incident-commander': { usergroups: [COMMANDERS_GROUP] } },
          incidents: {
            channel: INCIDENTS,
            // Levels of an hour: no timer fires during a test, so whoever is paged is exactly level 1.
            severities: {
              sev1: { respondWithin: '1h', levels: [{ roles: ['on-call'] }] },
              sev2: { respondWithin: '1h', levels: [{ roles: ['on-call'] }] },
            },
          },
          services: {
            treasury: {
              environments: { production: { vars: { baseUrl } } },
              checks: [{ id: 'health', name: 'Health', type: 'http', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'incident permissions e2e config',
      ),
    standIn: {
      channels: ['C0DEMO', INCIDENTS],
      users: { [USER]: { name: 'reporter' }, [ONCALL]: { name: 'oncall' }, [COMMANDER]: { name: 'commander' }, [BYSTANDER]: { name: 'bystander' } },
      usergroups: { [COMMANDERS_GROUP]: [COMMANDER] },
    },
  });
});
afterAll(async () => {
  await stack?.closeAll();
});

const text = (message: StoredMessage | undefined) => `${message?.text ?? ''}\n${JSON.stringify(message?.blocks ?? [])}`;
const threadOf = (ts: string) => stack.standIn.messages(INCIDENTS).filter((message) => message.threadTs === ts);
const latest = (id: string) => stack.runtime.db.incident.findUniqueOrThrow({ where: { id } });

/** Opens an incident as the reporter (who is not paged) and waits until level 1 (on-call) has been paged. */
async function openIncident(severity: 'sev1' | 'sev2', title: string) {
  const ack = await stack.run(`incident ${severity} ${title} treasury`);
  const incident = await until(() => stack.runtime.db.incident.findUnique({ where: { requestKey: ack.triggerId } }));
  const alert = await stack.standIn.waitFor(() =>
    stack.standIn.messages(INCIDENTS).find((message) => message.threadTs === undefined && message.text?.includes(`INC-${incident.number}:`)),
  );
  await stack.standIn.waitFor(() => threadOf(alert.ts).find((reply) => reply.text?.includes(`Paging level 1 of 1: <@${ONCALL}>`)));
  return { incident, alert };
}

const click = (alertTs: string, actionId: string, userId: string) =>
  stack.standIn.clickButton(stack.eventsUrl, { channel: INCIDENTS, ts: alertTs, actionId, userId });
const replyTo = (responseUrl: string) => stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === responseUrl));
const ephemeralTo = (user: string, containing: string) =>
  stack.standIn.waitFor(() =>
    stack.standIn.messages(INCIDENTS).find((message) => message.ephemeralFor === user && message.text?.includes(containing)),
  );

async function openLowerModal(incident: { id: string }, alertTs: string, userId: string, from: string, to: string) {
  await click(alertTs, ids.incident.lower, userId);
  const modal = await stack.standIn.waitFor(() =>
    stack.standIn.openedViews().find((view) => view.view.private_metadata === `${incident.id}/${from}/${to}`),
  );
  expect(validateView(modal.view, 'modal')).toEqual([]);
  return modal;
}

describe('incident buttons are authorized', () => {
  it('a bystander can neither acknowledge, escalate, raise, lower nor resolve: each click names its rule and changes nothing', async () => {
    const { incident, alert } = await openIncident('sev2', 'Ledger writes fail');
    const before = await latest(incident.id);
    const viewsBefore = stack.standIn.openedViews().length;
    const eventsBefore = await stack.runtime.db.auditEvent.count({ where: { subjectId: incident.id } });
    const refusals: [string, string][] = [
      [ids.incident.acknowledge, 'incidents.permissions.acknowledge'],
      [ids.incident.escalate, 'incidents.permissions.escalate'],
      [ids.incident.raise, 'incidents.permissions.raiseSeverity'],
      [ids.incident.lower, 'incidents.permissions.lowerSeverity'],
      [ids.incident.resolve, 'incidents.permissions.resolve'],
    ];
    for (const [actionId, rule] of refusals) {
      const clicked = await click(alert.ts, actionId, BYSTANDER);
      const reply = await replyTo(clicked.responseUrl);
      expect(reply.body.response_type).toBe('ephemeral');
      expect(String(reply.body.text)).toContain(`rule \`${rule}\``);
      expect(String(reply.body.text)).toContain('Nothing changed.');
    }
    const ackReply = String((await replyTo((await click(alert.ts, ids.incident.acknowledge, USER)).responseUrl)).body.text);
    // Opening an incident does not make the reporter one of the people who may stop its pages.
    expect(ackReply).toContain(`Only the people INC-${incident.number} has paged, its responders`);
    expect(ackReply).toContain('members of the *incident-commander* role may acknowledge');

    const after = await latest(incident.id);
    expect(after).toMatchObject({
      severity: before.severity,
      status: 'OPEN',
      plan: before.plan,
      level: before.level,
      acknowledgedBy: null,
      resolvedBy: null,
    });
    expect(stack.standIn.openedViews().length).toBe(viewsBefore);
    expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: incident.id } })).toBe(eventsBefore);
    // The commander role was asked of Slack, since the bystander is neither paged nor a responder.
    expect(stack.standIn.callsTo('usergroups.users.list').some((call) => call.args.usergroup === COMMANDERS_GROUP)).toBe(true);
  });

  it('the paged person acknowledges from the page DM; a commander (through a usergroup) resolves', async () => {
    const { incident, alert } = await openIncident('sev1', 'Ledger is down');
    const dm = await stack.standIn.waitFor(() =>
      stack.standIn.messages(`D${ONCALL.slice(1)}`).find((message) => message.text?.includes(`INC-${incident.number}`)),
    );
    await stack.standIn.clickButton(stack.eventsUrl, { channel: dm.channel, ts: dm.ts, actionId: ids.incident.acknowledge, userId: ONCALL });
    await until(async () => (await latest(incident.id)).status === 'ACKNOWLEDGED');

    await click(alert.ts, ids.incident.resolve, COMMANDER);
    const modal = await stack.standIn.waitFor(() => stack.standIn.openedViews().find((view) => view.view.private_metadata === incident.id));
    // The modal proves nothing by itself: a bystander submitting it is refused by the same rule.
    await stack.standIn.submitView(stack.eventsUrl, {
      viewId: modal.id,
      userId: BYSTANDER,
      values: { [ids.incident.summaryInput]: 'I say it is fine' },
    });
    await ephemeralTo(BYSTANDER, 'rule `incidents.permissions.resolve`');
    expect((await latest(incident.id)).status).toBe('ACKNOWLEDGED');

    await stack.standIn.submitView(stack.eventsUrl, {
      viewId: modal.id,
      userId: COMMANDER,
      values: { [ids.incident.summaryInput]: 'Restarted the ledger primary' },
    });
    const resolved = await until(async () => {
      const row = await latest(incident.id);
      return row.status === 'RESOLVED' ? row : undefined;
    });
    expect(resolved).toMatchObject({ acknowledgedBy: ONCALL, resolvedBy: COMMANDER });
  });
});

describe('lowering a severity asks why', () => {
  it('opens a modal, re-checks the submission, announces the escaped reason in the thread and audits before → after', async () => {
    const { incident, alert } = await openIncident('sev2', 'Ledger exports slow');
    const modal = await openLowerModal(incident, alert.ts, ONCALL, 'SEV2', 'SEV3');

    const tooShort = await stack.standIn.submitView(stack.eventsUrl, {
      viewId: modal.id,
      userId: ONCALL,
      values: { [ids.incident.lowerReasonInput]: 'no' },
    });
    expect(tooShort.json).toMatchObject({
      response_action: 'errors',
      errors: { [ids.incident.lowerReasonBlock]: expect.stringContaining('why it is less severe') },
    });
    // A bystander submitting the paged person's modal: refused, naming the rule.
    await stack.standIn.submitView(stack.eventsUrl, {
      viewId: modal.id,
      userId: BYSTANDER,
      values: { [ids.incident.lowerReasonInput]: 'not my problem' },
    });
    await ephemeralTo(BYSTANDER, 'rule `incidents.permissions.lowerSeverity`');
    expect((await latest(incident.id)).severity).toBe('SEV2');

    const reason = 'Only <!channel> CSV exports are affected';
    await stack.standIn.submitView(stack.eventsUrl, { viewId: modal.id, userId: ONCALL, values: { [ids.incident.lowerReasonInput]: reason } });
    await until(async () => (await latest(incident.id)).severity === 'SEV3');
    const announced = await stack.standIn.waitFor(() =>
      threadOf(alert.ts).find((reply) => reply.text?.includes('Severity lowered from SEV2 to SEV3')),
    );
    expect(announced.text).toContain(`by <@${ONCALL}>`);
    expect(announced.text).toContain('Reason: “Only &lt;!channel&gt; CSV exports are affected”');
    expect(text(announced)).not.toContain('<!channel>');

    const audited = await stack.runtime.db.auditEvent.findFirstOrThrow({ where: { subjectId: incident.id, action: 'incident.severity_changed' } });
    expect(audited).toMatchObject({ actor: ONCALL, reason, before: { severity: 'SEV2' }, after: { severity: 'SEV3' } });

    const audit = await stack.run('audit treasury production');
    const trail = JSON.stringify((await replyTo(audit.responseUrl)).body.blocks ?? []);
    expect(trail).toContain(
      `<@${ONCALL}> changed the severity SEV2 → SEV3 (INC-${incident.number}) · severity SEV2 → SEV3 — “Only &lt;!channel&gt; CSV exports are affected”`,
    );
  });

  it('a Lower modal left open while someone else changed the severity lowers nothing', async () => {
    const { incident, alert } = await openIncident('sev2', 'Ledger reconciliation lagging');
    const modal = await openLowerModal(incident, alert.ts, ONCALL, 'SEV2', 'SEV3');
    // Meanwhile the commander raises it to SEV1 (raising needs no reason).
    await click(alert.ts, ids.incident.raise, COMMANDER);
    await until(async () => (await latest(incident.id)).severity === 'SEV1');

    await stack.standIn.submitView(stack.eventsUrl, {
      viewId: modal.id,
      userId: ONCALL,
      values: { [ids.incident.lowerReasonInput]: 'It looked minor a minute ago' },
    });
    await ephemeralTo(ONCALL, 'now *SEV1*');
    expect((await latest(incident.id)).severity).toBe('SEV1');
    const changes = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: incident.id, action: 'incident.severity_changed' } });
    expect(changes.map((change) => [change.actor, change.before, change.after])).toEqual([[COMMANDER, { severity: 'SEV2' }, { severity: 'SEV1' }]]);
  });
});

describe('incidents.permissions in readiness.yaml', () => {
  it('is refused when it names an unknown key, an unknown audience or an undefined commander role', () => {
    const config = (permissions: unknown) => () =>
      parseReadinessConfig(
        {
          incidents: { permissions },
          services: { api: { environments: { ci: {} }, checks: [{ id: 'up', name: 'Up', type: 'http', url: 'http://x' }] } },
        },
        'readiness.yaml',
      );
    expect(config({ resolve: ['paged'], lowr: ['paged'] })).toThrow(/incidents\.permissions\.lowr: unknown key/);
    expect(config({ acknowledge: ['everyone'] })).toThrow(
      /incidents\.permissions\.acknowledge\[0\]: must be one of paged, responders, commander, anyone/,
    );
    expect(config({ resolve: [] })).toThrow(/incidents\.permissions\.resolve: name at least one/);
    expect(config({ commanderRole: 'ic' })).toThrow(/incidents\.permissions\.commanderRole: "ic" is not defined under roles/);
  });
});
