import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { startBot, type RunningBot } from '../../src/main/compose.ts';
import { createRuntime, type Runtime } from '../../src/main/runtime.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

const REQUESTER = 'U0REQ';
const LEAD = 'U0LEAD';
const SEC1 = 'U0SECONE';
const SEC2 = 'U0SECTWO';
const BIZ = 'U0BIZ';
const RELEASE_MANAGER = 'U0RM';

/** The answer of the `security` webhook check, per environment: flipping it changes what security signs for. */
const securityStatus: Record<string, 'pass' | 'warn'> = {};
let hookServer: Server;
let hookUrl = '';

let stack: TestStack;
beforeAll(async () => {
  hookServer = createServer((req, res) => {
    const environment = (req.url ?? '/').slice(1);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: securityStatus[environment] ?? 'pass', message: 'scanned' }));
  });
  await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}`;

  const policy = (extra: Record<string, unknown> = {}) => ({
    required: [
      { role: 'tech-lead', covers: ['infrastructure', 'performance'] },
      { role: 'security', covers: ['security'] },
      { role: 'business-owner' },
    ],
    overrideRole: 'release-manager',
    ...extra,
  });
  stack = await startTestStack({
    configFor: (baseUrl) => {
      const environment = (name: string, extra: Record<string, unknown> = {}) => ({
        vars: { baseUrl, hook: `${hookUrl}/${name}` },
        signoff: policy(extra),
      });
      return parseReadinessConfig(
        {
          roles: {
            'tech-lead': { users: [LEAD, REQUESTER] },
            security: { usergroups: ['S0SECURITY'] },
            'business-owner': { users: [BIZ] },
            'release-manager': { users: [RELEASE_MANAGER] },
          },
          services: {
            payments: {
              environments: {
                production: environment('production'),
                staging: environment('staging'),
                qa: environment('qa'),
                canary: environment('canary', { expiresAfter: '2s' }),
                perf: environment('perf'),
                replicas: environment('replicas'),
                auto: environment('auto', { autoRequest: true }),
              },
              checks: [
                { id: 'health', name: 'Health', type: 'http', severity: 'critical', category: 'infrastructure', url: '{{baseUrl}}/healthz' },
                { id: 'orders', name: 'Orders API', type: 'http', severity: 'high', category: 'performance', url: '{{baseUrl}}/api/orders' },
                { id: 'scan', name: 'Security scan', type: 'webhook', severity: 'medium', category: 'security', url: '{{hook}}' },
              ],
            },
          },
        },
        'sign-off test config',
      );
    },
    standIn: {
      users: Object.fromEntries([REQUESTER, LEAD, SEC1, SEC2, BIZ, RELEASE_MANAGER].map((id) => [id, { name: id.toLowerCase() }])),
      usergroups: { S0SECURITY: [SEC1, SEC2] },
    },
  });
});
afterAll(async () => {
  await stack.closeAll();
  await new Promise((resolve) => hookServer.close(resolve));
});

const text = (message: StoredMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? '');

interface Requested {
  assessmentId: string;
  assessmentTs: string;
  requestId: string;
  signoffTs: string;
}

async function assess(environment: string) {
  const ack = await stack.run(`run payments ${environment}`, { userId: REQUESTER });
  return stack.finished(ack.triggerId);
}

async function requestSignoffFor(environment: string): Promise<Requested> {
  const { assessment } = await assess(environment);
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
  return { assessmentId: assessment.id, assessmentTs, requestId: request.id, signoffTs };
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

const answerTo = (responseUrl: string) =>
  stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === responseUrl)?.body.text as string | undefined);

async function withModal(requested: Requested, actionId: string, userId: string, role: string, note: string) {
  const before = stack.standIn.openedViews().length;
  await click(requested, actionId, userId, role);
  const view = await stack.standIn.waitFor(() => stack.standIn.openedViews()[before]);
  return stack.standIn.submitView(stack.eventsUrl, { viewId: view.id, userId, values: { note } });
}

const signoffRows = (requestId: string) => stack.runtime.db.signoff.findMany({ where: { requestId }, orderBy: { signedAt: 'asc' } });
const auditOf = (requestId: string) => stack.runtime.db.auditEvent.findMany({ where: { subjectId: requestId }, orderBy: { seq: 'asc' } });
const requestRow = (requestId: string) => stack.runtime.db.signoffRequest.findUniqueOrThrow({ where: { id: requestId } });
const threadReplies = (requested: Requested) =>
  stack.standIn.messages(stack.channelId).filter((message) => message.threadTs === requested.assessmentTs);

describe('sign-off: the three-role happy path', () => {
  it('asks each role in the thread, records approvals with conditions, and decides GO WITH CAUTION listing them', async () => {
    const requested = await requestSignoffFor('production');
    const message = stack.standIn.message(stack.channelId, requested.signoffTs);
    expect(message?.threadTs).toBe(requested.assessmentTs);
    expect(text(message)).toContain('*tech-lead* — 0 of 1 · signs for infrastructure, performance');
    expect(text(message)).toContain('*business-owner* — 0 of 1 · signs for the whole assessment');
    expect(text(message)).toContain('waiting for <!subteam^S0SECURITY>');

    await click(requested, ids.actions.approve, LEAD, 'tech-lead');
    const modal = await withModal(requested, ids.actions.approveWithConditions, SEC1, 'security', 'Only after the WAF rule <!channel> ships');
    expect(modal.status).toBe(200);
    // A submission is recorded after its ack: wait for it, so the rows below are in the order people signed.
    await until(async () => (await signoffRows(requested.requestId)).length === 2);
    const lastClick = await click(requested, ids.actions.approve, BIZ, 'business-owner');

    const decided = await until(async () => {
      const row = await requestRow(requested.requestId);
      return row.status === 'APPROVED' ? row : undefined;
    });
    expect(decided).toMatchObject({ decision: 'GO_WITH_CAUTION', decisionReason: 'security: Only after the WAF rule <!channel> ships' });
    expect((await signoffRows(requested.requestId)).map((row) => [row.role, row.userId, row.kind])).toEqual([
      ['tech-lead', LEAD, 'APPROVE'],
      ['security', SEC1, 'APPROVE_WITH_CONDITIONS'],
      ['business-owner', BIZ, 'APPROVE'],
    ]);
    expect((await auditOf(requested.requestId)).map((event) => [event.action, event.actor])).toEqual([
      ['signoff.requested', REQUESTER],
      ['signoff.approved', LEAD],
      ['signoff.approved', SEC1],
      ['signoff.approved', BIZ],
      ['signoff.decided', 'system'],
    ]);

    const announcement = await stack.standIn.waitFor(() =>
      threadReplies(requested).find((reply) => text(reply).includes('Decision: GO WITH CAUTION')),
    );
    expect(text(announcement)).toContain('Only after the WAF rule &lt;!channel&gt; ships');
    expect(text(announcement)).not.toContain('<!channel>');
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, requested.signoffTs)).includes('Decision: GO WITH CAUTION'));
    const signed = await stack.standIn.waitFor(() => {
      const current = stack.standIn.message(stack.channelId, requested.signoffTs);
      return !text(current).includes(ids.actions.approve) ? current : undefined;
    });
    expect(text(signed)).toContain('approved with conditions by <@U0SECONE>');
    await stack.standIn.waitFor(() =>
      text(stack.standIn.message(stack.channelId, requested.assessmentTs)).includes('Signed off — decision *GO WITH CAUTION*'),
    );

    // A click on the decided request (Slack redelivering one from before the buttons went away) changes nothing.
    const replay = await stack.standIn.sendInteraction(stack.eventsUrl, { ...lastClick.payload, response_url: undefined });
    expect(await answerTo(replay.responseUrl)).toContain('the decision is made. Nothing changed.');
    expect(await signoffRows(requested.requestId)).toHaveLength(3);
  });
});

describe('sign-off: refusals', () => {
  let requested: Requested;
  beforeAll(async () => {
    requested = await requestSignoffFor('qa');
  });

  it('refuses the requester approving their own request, saying why', async () => {
    const result = await click(requested, ids.actions.approve, REQUESTER, 'tech-lead');
    expect(await answerTo(result.responseUrl)).toContain('you cannot approve it yourself');
    expect(await signoffRows(requested.requestId)).toEqual([]);
  });

  it('refuses someone outside the role and names who can sign', async () => {
    const result = await click(requested, ids.actions.approve, BIZ, 'security');
    const answer = await answerTo(result.responseUrl);
    expect(answer).toContain('Only members of *security* can sign for it: <!subteam^S0SECURITY>');
    expect(await signoffRows(requested.requestId)).toEqual([]);
  });

  it('records a double click and a replayed payload once', async () => {
    const first = await click(requested, ids.actions.approve, LEAD, 'tech-lead');
    await Promise.all([
      click(requested, ids.actions.approve, LEAD, 'tech-lead'),
      stack.standIn.sendInteraction(stack.eventsUrl, first.payload),
      stack.standIn.sendInteraction(stack.eventsUrl, first.payload),
    ]);
    await until(async () => (await auditOf(requested.requestId)).some((event) => event.action === 'signoff.approved'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await signoffRows(requested.requestId)).map((row) => row.userId)).toEqual([LEAD]);
    expect((await auditOf(requested.requestId)).filter((event) => event.action === 'signoff.approved')).toHaveLength(1);
  });

  it('two approvers of the same role clicking at the same instant: one sign-off, the other told who signed', async () => {
    const [one, two] = await Promise.all([
      click(requested, ids.actions.approve, SEC1, 'security'),
      click(requested, ids.actions.approve, SEC2, 'security'),
    ]);
    await until(async () => (await signoffRows(requested.requestId)).some((row) => row.role === 'security'));
    const answers = await Promise.race([answerTo(one.responseUrl), answerTo(two.responseUrl)]);
    expect(answers).toMatch(/\*security\* is already signed by <@U0SEC(ONE|TWO)>/);
    expect((await signoffRows(requested.requestId)).filter((row) => row.role === 'security')).toHaveLength(1);
  });
});

describe('sign-off: rejection and override', () => {
  let requested: Requested;
  /** A click from while the request was open, for Slack to redeliver after it is decided and overridden. */
  let openClick: Record<string, unknown>;
  beforeAll(async () => {
    requested = await requestSignoffFor('staging');
    openClick = (await click(requested, ids.actions.approve, BIZ, 'tech-lead')).payload;
  });

  it('keeps the modal open when the reason is empty, then rejects with the reason: NO-GO', async () => {
    const empty = await withModal(requested, ids.actions.reject, SEC2, 'security', '   ');
    expect(empty.json).toMatchObject({
      response_action: 'errors',
      errors: { [ids.blocks.signoffNoteInput]: expect.stringContaining('need a reason') },
    });
    await withModal(requested, ids.actions.reject, SEC2, 'security', 'Pen test found an open admin port');
    const rejected = await until(async () => {
      const row = await requestRow(requested.requestId);
      return row.status === 'REJECTED' ? row : undefined;
    });
    expect(rejected).toMatchObject({ decision: 'NO_GO', decisionReason: 'Pen test found an open admin port' });
    await stack.standIn.waitFor(() => threadReplies(requested).find((reply) => text(reply).includes('Decision: NO-GO')));
  });

  it('tells a late approver the request is decided, and changes nothing', async () => {
    const late = await click(requested, ids.actions.approve, LEAD, 'tech-lead').catch(() => undefined);
    // The buttons are gone once decided; a click that was already in flight (a replayed payload) is refused.
    if (late) expect(await answerTo(late.responseUrl)).toContain('rejected');
    expect((await signoffRows(requested.requestId)).map((row) => row.kind)).toEqual(['REJECT']);
  });

  it('lets only the override role override, with a justification, flagged loudly', async () => {
    const short = requested.assessmentId.slice(0, 8);
    const refused = await stack.run(`override ${short} We really need this out today`, { userId: LEAD });
    expect(await answerTo(refused.responseUrl)).toContain('Only members of *release-manager* may override here: <@U0RM>');
    const tooShort = await stack.run(`override ${short} pls`, { userId: RELEASE_MANAGER });
    expect((tooShort.json as { text: string }).text).toContain('needs a justification');

    const accepted = await stack.run(`override ${short} Hotfix for incident 42 must ship tonight`, { userId: RELEASE_MANAGER });
    expect(await answerTo(accepted.responseUrl)).toContain('is now GO, flagged as your override');
    const row = await requestRow(requested.requestId);
    expect(row).toMatchObject({
      status: 'OVERRIDDEN',
      decision: 'GO',
      override: true,
      overriddenBy: RELEASE_MANAGER,
      decisionReason: 'Hotfix for incident 42 must ship tonight',
    });
    const broadcast = await stack.standIn.waitFor(() => threadReplies(requested).find((reply) => text(reply).includes('OVERRIDE: decision GO')));
    expect(broadcast).toBeDefined();
    expect(stack.standIn.callsTo('chat.postMessage').some((call) => call.args.reply_broadcast === true || call.args.reply_broadcast === 'true')).toBe(
      true,
    );
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, requested.assessmentTs)).includes('OVERRIDE'));
    expect((await auditOf(requested.requestId)).filter((event) => event.action === 'signoff.overridden')).toHaveLength(1);

    const again = await stack.run(`override ${short} Hotfix for incident 42 must ship tonight`, { userId: RELEASE_MANAGER });
    expect(await answerTo(again.responseUrl)).toContain('already overridden');
    const redelivered = await stack.standIn.sendInteraction(stack.eventsUrl, { ...openClick, response_url: undefined });
    expect(await answerTo(redelivered.responseUrl)).toContain('overridden to GO; sign-offs are closed');
  });
});

describe('sign-off: expiry', () => {
  it('expires an unfinished request on time, updates the message and tells the requester', async () => {
    const requested = await requestSignoffFor('canary');
    const early = await click(requested, ids.actions.approve, BIZ, 'security');
    const expired = await until(async () => {
      const row = await requestRow(requested.requestId);
      return row.status === 'EXPIRED' ? row : undefined;
    }, 10_000);
    expect(expired.decision).toBeNull();
    await stack.standIn.waitFor(() => threadReplies(requested).find((reply) => text(reply).includes(`<@${REQUESTER}> the sign-off request`)));
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, requested.signoffTs)).includes('*Expired*'));
    expect((await auditOf(requested.requestId)).map((event) => event.action)).toContain('signoff.expired');
    const afterExpiry = await stack.standIn.sendInteraction(stack.eventsUrl, { ...early.payload, response_url: undefined });
    expect(await answerTo(afterExpiry.responseUrl)).toContain('This request expired');
  });
});

describe('sign-off: a new assessment makes the old request stale, carrying unchanged sign-offs', () => {
  it('asks again only the roles whose results changed', async () => {
    const first = await requestSignoffFor('perf');
    await click(first, ids.actions.approve, LEAD, 'tech-lead');
    await click(first, ids.actions.approve, SEC1, 'security');
    await click(first, ids.actions.approve, BIZ, 'business-owner');
    await until(async () => (await requestRow(first.requestId)).status === 'APPROVED');

    const pendingClick = await click(first, ids.actions.approve, BIZ, 'security');
    securityStatus.perf = 'warn';
    const second = await requestSignoffFor('perf');
    const onStale = await stack.standIn.sendInteraction(stack.eventsUrl, { ...pendingClick.payload, response_url: undefined });
    expect(await answerTo(onStale.responseUrl)).toContain('This request is stale');
    const old = await requestRow(first.requestId);
    expect(old.status).toBe('STALE');
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, first.signoffTs)).includes('*Stale*'));

    const carried = await signoffRows(second.requestId);
    expect(carried.map((row) => [row.role, row.userId, row.carriedFromId])).toEqual([['tech-lead', LEAD, first.requestId]]);
    expect((await requestRow(second.requestId)).status).toBe('PENDING');
    const message = text(stack.standIn.message(stack.channelId, second.signoffTs));
    expect(message).toContain('carried over');
    expect(message).not.toContain(`${second.requestId}/tech-lead`);
    expect(message).toContain(`${second.requestId}/security`);
    expect(message).toContain(`${second.requestId}/business-owner`);
    expect((await auditOf(first.requestId)).map((event) => event.action)).toContain('signoff.stale');
  });
});

describe('sign-off: two bot replicas', () => {
  let replica: { runtime: Runtime; bot: RunningBot } | undefined;
  afterAll(async () => {
    await replica?.bot.stop();
    await replica?.runtime.close();
  });

  it('records a click delivered to both replicas once, and decides once', async () => {
    const runtime = createRuntime({ ...stack.runtime.settings });
    replica = { runtime, bot: await startBot(runtime, { signingSecret: stack.signingSecret, appToken: undefined, port: 0 }) };
    const requested = await requestSignoffFor('replicas');
    await click(requested, ids.actions.approve, LEAD, 'tech-lead');
    await click(requested, ids.actions.approve, SEC1, 'security');
    await until(async () => (await signoffRows(requested.requestId)).length === 2);

    const first = await click(requested, ids.actions.approve, BIZ, 'business-owner');
    await Promise.all([
      stack.standIn.sendInteraction(replica.bot.eventsUrl ?? '', first.payload),
      stack.standIn.sendInteraction(stack.eventsUrl, first.payload),
      stack.standIn.sendInteraction(replica.bot.eventsUrl ?? '', first.payload),
    ]);
    await until(async () => (await requestRow(requested.requestId)).status === 'APPROVED');
    // The sign-off message is itself a reply in the thread and, once re-rendered as APPROVED, says "Decision: GO"
    // too: wait for both the re-render and the announcement, and count announcements apart from that message.
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, requested.signoffTs)).includes('Decision: GO'));
    const announcements = () => threadReplies(requested).filter((reply) => reply.ts !== requested.signoffTs && text(reply).includes('Decision: GO'));
    await stack.standIn.waitFor(() => announcements().length > 0);
    expect((await signoffRows(requested.requestId)).filter((row) => row.role === 'business-owner')).toHaveLength(1);
    expect((await auditOf(requested.requestId)).filter((event) => event.action === 'signoff.decided')).toHaveLength(1);
    expect(announcements()).toHaveLength(1);
  });
});

describe('sign-off: requested automatically', () => {
  it('asks for sign-off as soon as an eligible assessment completes when the policy says autoRequest', async () => {
    const { assessment } = await assess('auto');
    const request = await until(() => stack.runtime.db.signoffRequest.findUnique({ where: { assessmentId: assessment.id } }));
    expect(request).toMatchObject({ requestedBy: REQUESTER, status: 'PENDING', threadTs: assessment.messageTs });
    const signoffTs = await until(async () => (await requestRow(request.id)).messageTs);
    expect(stack.standIn.message(stack.channelId, signoffTs)?.threadTs).toBe(assessment.messageTs);
    const badge = await stack.standIn.waitFor(() => {
      const current = stack.standIn.message(stack.channelId, assessment.messageTs ?? '');
      return text(current).includes('Sign-off in progress') ? current : undefined;
    });
    expect(text(badge)).not.toContain(ids.actions.requestSignoff);
  });
});
