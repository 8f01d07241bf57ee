import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleIntake, type IntakeDeps } from '../../src/assessments/intake.ts';
import { startAssessment } from '../../src/assessments/start-assessment.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { assessmentPostIntent, publishAssessmentMessage } from '../../src/slack/assessment-message.publisher.ts';
import type { Job } from 'bullmq';
import { approvalServices } from '../../src/main/approvals-wiring.ts';
import { intakeRefusalsFor } from '../../src/queue/intake-refusals.ts';
import { chatPort } from '../../src/slack/chat-port.ts';
import { slackSignoffThread } from '../../src/slack/signoff-thread.ts';
import { signoffProcessor } from '../../jobs/signoff.ts';
import { signOff } from '../../src/approvals/sign-off.ts';
import { ids } from '../../src/slack/ids.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

// Guarantee 4 (docs/reliability.md): with Slack answering 30 % of calls 429 + Retry-After and 10 % 5xx, every post,
// update, DM and page still happens, once, and each message ends showing the final state.
const LEAD = 'U0LEAD';
const ONCALL = 'U0ONCALL';
const INCIDENTS = 'C0INCIDENTS';
const STORM = { rateLimitedShare: 0.3, serverErrorShare: 0.1, seed: 15 };
// The storm slows every step by Retry-After waits and backoff: generous waits, no timing assertions.
const WAIT_MS = 90_000;

const text = (message: StoredMessage | undefined) => `${message?.text ?? ''}\n${JSON.stringify(message?.blocks ?? [])}`;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    slackRetries: 8,
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: { 'tech-lead': { users: [LEAD] }, 'on-call': { users: [ONCALL] } },
          incidents: { channel: INCIDENTS, severities: { sev3: { respondWithin: '1h', levels: [{ roles: ['on-call'] }] } } },
          services: {
            payments: {
              environments: { production: { vars: { baseUrl }, signoff: { required: [{ role: 'tech-lead' }] } } },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'slack storm config',
      ),
    standIn: {
      channels: ['C0DEMO', INCIDENTS],
      users: { [USER]: { name: 'requester' }, [LEAD]: { name: 'lead' }, [ONCALL]: { name: 'oncall' } },
      faults: STORM,
    },
  });
}, 60_000);
afterAll(async () => {
  await stack?.closeAll();
});

describe('a Slack storm (30 % 429, 10 % 5xx)', () => {
  it('an assessment and its sign-off complete; each message is posted once and ends showing the final state', async () => {
    const ack = await stack.run('run payments production');
    const assessment = await until(async () => {
      const row = await stack.runtime.db.assessment.findUnique({ where: { requestKey: ack.triggerId } });
      return row?.status === 'COMPLETED' && row.messageTs ? row : undefined;
    }, WAIT_MS);
    const assessmentTs = assessment.messageTs ?? '';
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, assessmentTs)).includes(ids.actions.requestSignoff), WAIT_MS);
    const assessmentPosts = stack.standIn.messages(stack.channelId).filter((message) => message.threadTs === undefined);
    expect(assessmentPosts.map((message) => message.ts)).toEqual([assessmentTs]);
    expect(assessmentPosts[0]?.metadata).toEqual(assessmentPostIntent(assessment.id));

    await stack.standIn.clickButton(stack.eventsUrl, {
      channel: stack.channelId,
      ts: assessmentTs,
      actionId: ids.actions.requestSignoff,
      userId: USER,
    });
    const request = await until(async () => {
      const row = await stack.runtime.db.signoffRequest.findUnique({ where: { assessmentId: assessment.id } });
      return row?.messageTs ? row : undefined;
    }, WAIT_MS);
    await stack.standIn.clickButton(stack.eventsUrl, {
      channel: stack.channelId,
      ts: request.messageTs ?? '',
      actionId: ids.actions.approve,
      userId: LEAD,
      value: `${request.id}/tech-lead`,
    });
    await until(async () => (await stack.runtime.db.signoffRequest.findUniqueOrThrow({ where: { id: request.id } })).status === 'APPROVED', WAIT_MS);

    // Final state everywhere: the decision announced once, the sign-off message and the assessment message showing it.
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, request.messageTs ?? '')).includes('Decision: GO'), WAIT_MS);
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, assessmentTs)).includes('Signed off — decision *GO*'), WAIT_MS);
    const isAnnouncement = (reply: StoredMessage) => reply.ts !== request.messageTs && text(reply).includes('Decision: GO');
    await stack.standIn.waitFor(() => stack.standIn.threadReplies(stack.channelId, assessmentTs).find(isAnnouncement), WAIT_MS);
    const replies = stack.standIn.threadReplies(stack.channelId, assessmentTs);
    expect(replies.filter((reply) => reply.ts === request.messageTs)).toHaveLength(1);
    expect(replies.filter(isAnnouncement)).toHaveLength(1);
  }, 240_000);

  it('an incident alerts its channel and pages on-call, each once', async () => {
    const ack = await stack.run('incident sev3 Checkout is down');
    const incident = await until(() => stack.runtime.db.incident.findUnique({ where: { requestKey: ack.triggerId } }), WAIT_MS);
    const isAlert = (message: StoredMessage) => message.threadTs === undefined && (message.text ?? '').includes(`INC-${incident.number}:`);
    await stack.standIn.waitFor(() => stack.standIn.messages(INCIDENTS).find(isAlert), WAIT_MS);
    const page = await stack.standIn.waitFor(
      () => stack.standIn.messages(`D${ONCALL.slice(1)}`).find((dm) => dm.text?.includes(`INC-${incident.number}`)),
      WAIT_MS,
    );
    expect(page).toBeDefined();
    await until(
      async () => (await stack.runtime.db.incidentNotification.count({ where: { incidentId: incident.id, status: 'PENDING' } })) === 0,
      WAIT_MS,
    );
    expect(stack.standIn.messages(INCIDENTS).filter(isAlert)).toHaveLength(1);
    expect(stack.standIn.messages(`D${ONCALL.slice(1)}`).filter((dm) => dm.text?.includes(`INC-${incident.number}`))).toHaveLength(1);
  }, 240_000);

  it('was a storm: the stand-in answered both kinds of fault', () => {
    expect(stack.standIn.faults.injected.rate_limited).toBeGreaterThan(0);
    expect(stack.standIn.faults.injected.server_error).toBeGreaterThan(0);
    expect(stack.standIn.calls.filter((call) => call.status === 429).length).toBe(stack.standIn.faults.injected.rate_limited);
  });
});

describe('a crash between Slack taking the post and the database recording it', () => {
  it('does not double the post: the process that takes over finds it by its metadata', async () => {
    const { runtime } = stack;
    const now = () => new Date();
    const start = { config: runtime.settings.config, assessments: runtime.assessments, scheduler: runtime.queues.scheduler, now };
    const request = {
      requestKey: `crash.${Date.now()}`,
      service: 'payments',
      environment: 'production',
      requestedBy: USER,
      teamId: null,
      channelId: stack.channelId,
    };
    const started = await startAssessment(start, request);
    if (!started.ok) throw new Error(started.detail);
    // The bot claims the post, Slack takes it (metadata and all), and the bot dies before attachMessage.
    const claimedAt = now();
    expect(await runtime.assessments.claimMessage(started.assessment.id, claimedAt, claimedAt)).toEqual({ claimed: true });
    const posted = await chatPort(runtime.slack).postMessage({
      channel: stack.channelId,
      text: 'Readiness payments → production: assessing…',
      metadata: assessmentPostIntent(started.assessment.id),
    });

    // A lease of 0: the intake job may take the claim over at once (in production it waits out 60 s).
    const intake: IntakeDeps = {
      start,
      delayMs: 0,
      refusals: intakeRefusalsFor(runtime.queues.queues.intake),
      publishMessage: (view) =>
        publishAssessmentMessage(
          {
            assessments: runtime.assessments,
            scheduler: runtime.queues.scheduler,
            chat: chatPort(runtime.slack),
            now,
            claimLeaseMs: 0,
            lookBeforePosting: true,
          },
          view,
        ),
    };
    expect(await settleIntake(intake, request)).toMatchObject({ outcome: 'posted', recorded: false });
    const row = await runtime.db.assessment.findUniqueOrThrow({ where: { id: started.assessment.id } });
    expect(row.messageTs).toBe(posted.ts);
    const carrying = stack.standIn
      .messages(stack.channelId)
      .filter((message) => JSON.stringify(message.metadata) === JSON.stringify(assessmentPostIntent(started.assessment.id)));
    expect(carrying).toHaveLength(1);
  }, 120_000);
});

describe('a sign-off notice owed when its process died right after the commit', () => {
  /** A request whose expiry has passed, in a thread of its own. */
  async function expiredRequest() {
    const { runtime } = stack;
    const now = () => new Date();
    const start = { config: runtime.settings.config, assessments: runtime.assessments, scheduler: runtime.queues.scheduler, now };
    const request = {
      requestKey: `notice.${Date.now()}.${Math.random()}`,
      service: 'payments',
      environment: 'production',
      requestedBy: USER,
      teamId: null,
      channelId: stack.channelId,
    };
    const started = await startAssessment(start, request);
    if (!started.ok) throw new Error(started.detail);
    const thread = await chatPort(runtime.slack).postMessage({ channel: stack.channelId, text: 'the assessment' });
    const created = await runtime.signoffs.create({
      assessmentId: started.assessment.id,
      service: 'payments',
      environment: 'production',
      requestedBy: USER,
      channelId: stack.channelId,
      threadTs: thread.ts ?? '',
      requirements: [{ role: 'tech-lead', count: 1, covers: [], snapshotHash: 'h' }],
      verdict: 'GO',
      expiresAt: new Date(Date.now() - 1000),
      carried: [],
      at: new Date(Date.now() - 60_000),
    });
    return { request: created.request, threadTs: thread.ts ?? '' };
  }
  const expiryNotices = (threadTs: string) =>
    stack.standIn.threadReplies(stack.channelId, threadTs).filter((reply) => (reply.text ?? '').includes('expired before every sign-off'));
  const job = (requestId: string) => ({ data: { requestId } }) as unknown as Job;

  it('is posted, once, by the redelivered expiry job that finds the request expired already', async () => {
    const { runtime } = stack;
    const services = approvalServices(runtime, chatPort(runtime.slack), () => new Date());
    const { request, threadTs } = await expiredRequest();
    // The first run expired the request (and owed the notice in the same transaction), then died before posting.
    expect(await runtime.signoffs.expire(request.id, new Date())).toBeDefined();
    expect(expiryNotices(threadTs)).toHaveLength(0);

    const redelivered = signoffProcessor(services.signoffJob);
    expect(await redelivered(job(request.id))).toBe('not_pending');
    expect(await redelivered(job(request.id))).toBe('not_pending');
    expect(expiryNotices(threadTs)).toHaveLength(1);
    expect(await runtime.db.signoffNotice.findUniqueOrThrow({ where: { key: `expired:${request.id}` } })).toMatchObject({ status: 'SENT' });
  }, 120_000);

  it('is posted by the replayed click that finds the request decided already', async () => {
    const { runtime } = stack;
    const services = approvalServices(runtime, chatPort(runtime.slack), () => new Date());
    const { request, threadTs } = await expiredRequest();
    await runtime.db.signoffRequest.update({ where: { id: request.id }, data: { expiresAt: new Date(Date.now() + 3_600_000) } });
    const click = { requestId: request.id, role: 'tech-lead', userId: LEAD, kind: 'APPROVE' as const, note: null };
    // The bot recorded the sign-off and the decision it led to, then died before announcing it.
    expect(await runtime.signoffs.sign({ ...click, allowSelfApproval: false, at: new Date() })).toMatchObject({ applied: true });
    const announcements = () => stack.standIn.threadReplies(stack.channelId, threadTs).filter((reply) => (reply.text ?? '').includes('Decision: GO'));
    expect(announcements()).toHaveLength(0);

    // The inbox replays the click: refused (already decided), and the owed announcement goes out, once.
    expect(await signOff(services.domain, click)).toMatchObject({ ok: false });
    expect(await signOff(services.domain, click)).toMatchObject({ ok: false });
    expect(announcements()).toHaveLength(1);
  }, 120_000);

  it('that reached Slack before its process died is found by its metadata, not posted again', async () => {
    const { runtime } = stack;
    const services = approvalServices(runtime, chatPort(runtime.slack), () => new Date());
    const { request, threadTs } = await expiredRequest();
    const expired = await runtime.signoffs.expire(request.id, new Date());
    if (!expired) throw new Error('not expired');
    // The dying run counted its attempt and Slack took the post; the SENT mark never happened.
    const key = `expired:${request.id}`;
    await runtime.db.signoffNotice.update({ where: { key }, data: { attempts: 1 } });
    await slackSignoffThread({ chat: chatPort(runtime.slack), roles: runtime.roles }).postNotice(
      expired,
      { key, kind: 'expired', attempts: 0 },
      { lookFirst: false },
    );

    expect(await signoffProcessor(services.signoffJob)(job(request.id))).toBe('not_pending');
    expect(expiryNotices(threadTs)).toHaveLength(1);
    expect(await runtime.db.signoffNotice.findUniqueOrThrow({ where: { key } })).toMatchObject({ status: 'SENT' });
  }, 120_000);
});
