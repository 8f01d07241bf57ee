import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import type { RecordedResponse, StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { validateBlocks } from '../../src/slack/block-kit-limits.ts';
import { ids } from '../../src/slack/ids.ts';
import { ackText, startTestStack, until, type TestStack } from '../support/test-stack.ts';

const REQUESTER = 'U0REQ';
const LEAD = 'U0LEAD';
const SEC = 'U0SEC';
const RELEASE_MANAGER = 'U0RM';

let stack: TestStack;
beforeAll(async () => {
  const signoff = { required: [{ role: 'tech-lead' }, { role: 'security', covers: ['infrastructure'] }], overrideRole: 'release-manager' };
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: {
            'tech-lead': { users: [LEAD] },
            security: { users: [SEC] },
            'release-manager': { users: [RELEASE_MANAGER] },
          },
          services: {
            ledger: {
              environments: { production: { vars: { baseUrl }, signoff }, dev: { vars: { baseUrl } }, fresh: { vars: { baseUrl }, signoff } },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'status-audit test config',
      ),
    standIn: { users: Object.fromEntries([REQUESTER, LEAD, SEC, RELEASE_MANAGER].map((id) => [id, { name: id.toLowerCase() }])) },
  });
});
afterAll(async () => {
  await stack?.closeAll();
});

const text = (message: StoredMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? '');

/** The answer posted to a command's response_url: its mrkdwn, block by block, after checking Slack would take it. */
async function answerTo(responseUrl: string): Promise<string> {
  const response: RecordedResponse = await stack.standIn.waitFor(() => stack.standIn.responses.find((candidate) => candidate.url === responseUrl));
  expect(response.status).toBe(200);
  expect(response.body.response_type).toBe('ephemeral');
  const blocks = response.body.blocks as { text?: { text: string }; elements?: { text: string }[] }[] | undefined;
  if (!blocks) return String(response.body.text);
  expect(validateBlocks(blocks, 'message')).toEqual([]);
  return blocks.map((block) => block.text?.text ?? block.elements?.map((element) => element.text).join(' ') ?? '').join('\n');
}

async function ask(command: string, userId = REQUESTER): Promise<string> {
  const sent = await stack.run(command, { userId });
  expect(sent.status).toBe(200);
  expect(ackText(sent)).toContain('Looking');
  return answerTo(sent.responseUrl);
}

async function assess(environment: string) {
  const ack = await stack.run(`run ledger ${environment}`, { userId: REQUESTER });
  return (await stack.finished(ack.triggerId)).assessment;
}

interface Requested {
  assessmentId: string;
  requestId: string;
  signoffTs: string;
}

async function requestSignoffFor(environment: string): Promise<Requested> {
  const assessment = await assess(environment);
  const assessmentTs = assessment.messageTs ?? '';
  await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, assessmentTs)).includes(ids.actions.requestSignoff));
  await stack.standIn.clickButton(stack.eventsUrl, {
    channel: stack.channelId,
    ts: assessmentTs,
    actionId: ids.actions.requestSignoff,
    userId: REQUESTER,
  });
  const request = await until(() => stack.runtime.db.signoffRequest.findUnique({ where: { assessmentId: assessment.id } }));
  const signoffTs = (await until(async () => (await stack.runtime.db.signoffRequest.findUnique({ where: { id: request.id } }))?.messageTs)) ?? '';
  return { assessmentId: assessment.id, requestId: request.id, signoffTs };
}

function click(requested: Requested, actionId: string, userId: string, role: string) {
  return stack.standIn.clickButton(stack.eventsUrl, {
    channel: stack.channelId,
    ts: requested.signoffTs,
    actionId,
    userId,
    value: `${requested.requestId}/${role}`,
  });
}

async function rejectWithReason(requested: Requested, userId: string, role: string, note: string) {
  const before = stack.standIn.openedViews().length;
  await click(requested, ids.actions.reject, userId, role);
  const view = await stack.standIn.waitFor(() => stack.standIn.openedViews()[before]);
  await stack.standIn.submitView(stack.eventsUrl, { viewId: view.id, userId, values: { note } });
}

const requestStatus = (requestId: string) =>
  stack.runtime.db.signoffRequest.findUniqueOrThrow({ where: { id: requestId } }).then((row) => row.status);

describe('/readiness status and audit: refusals', () => {
  it('refuses an unknown service or environment in the ack, like /readiness run, escaping what was typed', async () => {
    const unknownService = await stack.run('status ledgr production');
    expect(ackText(unknownService)).toContain('There is no service `ledgr`. Services: `ledger`.');
    const unknownEnvironment = await stack.run('status ledger <!channel>');
    expect(ackText(unknownEnvironment)).toContain('`ledger` has no environment `&lt;!channel&gt;`');
    expect(ackText(await stack.run('status ledger'))).toContain('Which environment of `ledger`?');
    expect(ackText(await stack.run('audit ledger production 0'))).toContain('`0` is not a page number');
    expect(ackText(await stack.run('audit'))).toContain('Which service?');
    expect(stack.standIn.responses.filter((response) => [unknownService.responseUrl, unknownEnvironment.responseUrl].includes(response.url))).toEqual(
      [],
    );
  });

  it('says when an environment has never been assessed, and how to start', async () => {
    const answer = await ask('status ledger fresh');
    expect(answer).toContain('*ledger → fresh* has not been assessed yet. Start with `/readiness run ledger fresh`.');
    expect(await ask('audit ledger fresh')).toContain('Nothing is recorded for *ledger → fresh* yet');
  });
});

describe('/readiness status and audit: a sign-off from request to override', () => {
  let requested: Requested;
  beforeAll(async () => {
    requested = await requestSignoffFor('production');
  });

  it('shows the verdict, who signed, who is still missing and when the request expires', async () => {
    await click(requested, ids.actions.approve, LEAD, 'tech-lead');
    await until(async () => (await stack.runtime.db.signoff.count({ where: { requestId: requested.requestId } })) === 1);
    const answer = await ask('status ledger production');
    expect(answer).toContain(`latest assessment \`${requested.assessmentId.slice(0, 8)}\``);
    expect(answer).toContain('verdict *GO*, score 100.0 / 100');
    expect(answer).toContain('*Decision pending* — still to sign: *security* (1 more: <@U0SEC>)');
    expect(answer).toMatch(/:white_check_mark: approved by <@U0LEAD> at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(answer).toMatch(/The request expires \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 2\dh \d+m\)/);
  });

  it('shows a rejection as NO-GO with who and why, escaped', async () => {
    await rejectWithReason(requested, SEC, 'security', 'Open admin port <!channel> & <https://evil.example|here>');
    await until(async () => (await requestStatus(requested.requestId)) === 'REJECTED');
    const answer = await ask('status ledger production');
    expect(answer).toContain(
      '*Decision: NO-GO* — rejected by <@U0SEC> as *security*: “Open admin port &lt;!channel&gt; &amp; &lt;https://evil.example|here&gt;”',
    );
    expect(answer).not.toContain('<!channel>');
    expect(answer).toMatch(/Decided \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it('flags an override loudly, with who and the justification', async () => {
    const override = await stack.run(`override ${requested.assessmentId.slice(0, 8)} Hotfix for incident 42 <!here> must ship`, {
      userId: RELEASE_MANAGER,
    });
    await stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === override.responseUrl));
    await until(async () => (await requestStatus(requested.requestId)) === 'OVERRIDDEN');
    const answer = await ask('status ledger production');
    expect(answer).toContain(':rotating_light: *OVERRIDE — decision GO* by <@U0RM>');
    expect(answer).toContain('Justification: “Hotfix for incident 42 &lt;!here&gt; must ship”');
    expect(answer).not.toContain('<!here>');
  });

  it('lists the audit trail newest first, in words, with times in UTC and escaped reasons', async () => {
    const answer = await ask('audit ledger production');
    const lines = answer.split('\n').filter((line) => line.startsWith('`20'));
    const newest = await stack.runtime.db.auditEvent.findFirstOrThrow({ where: { subjectId: requested.requestId }, orderBy: { seq: 'desc' } });
    expect(newest.action).toBe('signoff.overridden');
    expect(lines[0]).toContain(
      `\`${newest.at.toISOString().slice(0, 19).replace('T', ' ')} UTC\` · <@U0RM> :rotating_light: overrode to GO (was NO-GO)`,
    );
    expect(lines[0]).toContain('— “Hotfix for incident 42 &lt;!here&gt; must ship”');
    const order = [
      'overrode to GO',
      'Readiness recorded the decision: NO-GO',
      '<@U0SEC> rejected as *security*',
      '<@U0LEAD> approved as *tech-lead*',
      '<@U0REQ> requested sign-off from tech-lead, security',
      'Readiness assessment completed: GO (score 100.0)',
      '<@U0REQ> requested an assessment (1 check)',
    ];
    const positions = order.map((phrase) => lines.findIndex((line) => line.includes(phrase)));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(answer).not.toMatch(/<!(channel|here)>/);
    expect(answer).toContain('All 7 events, newest first.');
  });
});

describe('/readiness audit: paging', () => {
  beforeAll(async () => {
    // 11 assessments of dev (requested + completed each): 22 events, one more than a page.
    const acks = await Promise.all(Array.from({ length: 11 }, () => stack.run('run ledger dev', { userId: REQUESTER })));
    await Promise.all(acks.map((ack) => stack.finished(ack.triggerId)));
  });

  it('shows 20 events a page, says how to get the next, and refuses a page past the last', async () => {
    const first = await ask('audit ledger dev');
    const firstLines = first.split('\n').filter((line) => line.startsWith('`20'));
    expect(firstLines).toHaveLength(20);
    expect(first).toContain('*Audit trail of ledger → dev* — 22 events');
    expect(first).toContain('Page 1 of 2 — `/readiness audit ledger dev 2` for more.');

    const second = await ask('audit ledger dev 2');
    const secondLines = second.split('\n').filter((line) => line.startsWith('`20'));
    expect(secondLines).toHaveLength(2);
    expect(second).toContain('Page 2 of 2: the oldest events.');
    expect(secondLines.at(-1)).toContain('requested an assessment');
    expect(new Set([...firstLines, ...secondLines]).size).toBe(22);

    expect(await ask('audit ledger dev 3')).toContain(
      'There is no page 3: the audit trail of *ledger → dev* has 2 pages (22 events). `/readiness audit ledger dev 2` shows the oldest.',
    );
  });

  it('covers every environment when none is given, naming each event’s environment', async () => {
    const answer = await ask('audit ledger');
    expect(answer).toContain('*Audit trail of ledger* (every environment) — 29 events');
    expect(answer).toContain('Page 1 of 2 — `/readiness audit ledger 2` for more.');
    expect(answer).toContain(' · *dev* · ');
    const second = await ask('audit ledger 2');
    expect(second).toContain(' · *production* · ');
  });

  it('reports a completed assessment of an environment without sign-off as the decision itself', async () => {
    const answer = await ask('status ledger dev');
    expect(answer).toContain('*Decision: GO* — this environment needs no sign-off, so the verdict is the decision.');
    expect(answer).toContain('History: `/readiness audit ledger dev`');
  });
});

describe('/readiness audit: incidents of the service', () => {
  it('includes an incident opened for the service in every environment’s trail', async () => {
    const opened = await stack.run('incident sev4 "Ledger <!channel> is slow" ledger', { userId: LEAD });
    expect(opened.status).toBe(200);
    const incident = await until(() => stack.runtime.db.incident.findFirst({ where: { service: 'ledger' } }));
    const answer = await ask('audit ledger production');
    expect(answer).toContain(`<@U0LEAD> opened the incident (SEV4): “Ledger &lt;!channel&gt; is slow” (INC-${incident.number})`);
    expect(answer).not.toContain('<!channel>');
  });
});
