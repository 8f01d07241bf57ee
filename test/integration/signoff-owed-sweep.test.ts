import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecoverySweep } from '../../jobs/recovery-sweep.ts';
import { deliverOwedSignoffWork } from '../../src/approvals/deliver-owed.ts';
import { startAssessment } from '../../src/assessments/start-assessment.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { owedSignoffDeps } from '../../src/main/approvals-wiring.ts';
import { deploymentServices } from '../../src/main/deployments-wiring.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { chatPort } from '../../src/slack/chat-port.ts';
import { signoffRequestIntent, slackSignoffThread } from '../../src/slack/signoff-thread.ts';
import { createSignoffNotices } from '../../src/store/signoffs/notices.ts';
import { createRecoveryRepository } from '../../src/store/recovery/recovery.repository.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { dropDatabase, privateDatabase } from '../support/private-database.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

// What sign-off owes a thread is delivered by the recovery sweep when nobody touches the request again: a decision
// notice whose process died after the commit, and a request message whose process died before recording it (found
// in the thread by its metadata when Slack had taken it, not posted again).
const LEAD = 'U0LEAD';
const LONG_AGO = () => new Date(Date.now() - 120_000);

let stack: TestStack;
let databaseUrl: string;
beforeAll(async () => {
  // A database of its own: the sweep looks at every request of its database, and must not deliver another test
  // file's notices (their stacks share one database).
  databaseUrl = await privateDatabase('owed_signoffs');
  stack = await startTestStack({
    databaseUrl,
    withWorkers: false,
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: { 'tech-lead': { users: [LEAD] } },
          services: {
            payments: {
              environments: { production: { vars: { baseUrl }, signoff: { required: [{ role: 'tech-lead' }] } } },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'owed sign-off config',
      ),
    standIn: { users: { [USER]: { name: 'requester' }, [LEAD]: { name: 'lead' } } },
  });
}, 60_000);
afterAll(async () => {
  await stack?.closeAll();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

/** A pending request in a thread of its own, created two minutes ago, its message never recorded. */
async function unpostedRequest() {
  const { runtime } = stack;
  const now = () => new Date();
  const start = { config: runtime.settings.config, assessments: runtime.assessments, scheduler: runtime.queues.scheduler, now };
  const started = await startAssessment(start, {
    requestKey: `owed.${Date.now()}.${Math.random()}`,
    service: 'payments',
    environment: 'production',
    requestedBy: USER,
    teamId: null,
    channelId: stack.channelId,
  });
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
    expiresAt: new Date(Date.now() + 3_600_000),
    carried: [],
    at: LONG_AGO(),
  });
  return { request: created.request, threadTs: thread.ts ?? '' };
}

const text = (message: StoredMessage) => `${message.text ?? ''}${JSON.stringify(message.blocks ?? [])}`;
const replies = (threadTs: string) => stack.standIn.threadReplies(stack.channelId, threadTs);
const requestMessages = (threadTs: string, requestId: string) =>
  replies(threadTs).filter((reply) => JSON.stringify(reply.metadata) === JSON.stringify(signoffRequestIntent(requestId)));
const announcements = (threadTs: string) => replies(threadTs).filter((reply) => text(reply).includes('Decision: GO'));
/** Two sweeping workers, as the worker processes wire them. */
const sweep = () => deliverOwedSignoffWork(owedSignoffDeps(stack.runtime, () => new Date()));

describe('the recovery sweep delivers what sign-off still owes a thread', () => {
  it('posts a decision notice owed for 30 s when nobody touches the request again, once, even from two sweeps at once', async () => {
    const { runtime } = stack;
    const { request, threadTs } = await unpostedRequest();
    await runtime.signoffs.attachMessage(request.id, '1.0');
    // The click's process recorded the approval and the decision it led to, then died before announcing it.
    expect(
      await runtime.signoffs.sign({
        requestId: request.id,
        role: 'tech-lead',
        userId: LEAD,
        kind: 'APPROVE',
        note: null,
        allowSelfApproval: false,
        at: new Date(),
      }),
    ).toMatchObject({ applied: true });
    const key = `decided:${request.id}`;

    // Not yet owed 30 s: the process that made it due may still be posting it.
    await sweep();
    expect(announcements(threadTs)).toHaveLength(0);

    await runtime.db.signoffNotice.update({ where: { key }, data: { createdAt: LONG_AGO() } });
    const reports = await Promise.all([sweep(), sweep()]);
    expect(reports.map((report) => report.signoffErrors)).toEqual([0, 0]);
    expect(announcements(threadTs)).toHaveLength(1);
    expect(await runtime.db.signoffNotice.findUniqueOrThrow({ where: { key } })).toMatchObject({ status: 'SENT', attempts: 1 });
    await sweep();
    expect(announcements(threadTs)).toHaveLength(1);
  }, 120_000);

  it('runs as part of the worker recovery sweep', async () => {
    const { runtime } = stack;
    const { request, threadTs } = await unpostedRequest();
    await runtime.signoffs.attachMessage(request.id, '1.0');
    await runtime.signoffs.sign({
      requestId: request.id,
      role: 'tech-lead',
      userId: LEAD,
      kind: 'APPROVE',
      note: null,
      allowSelfApproval: false,
      at: new Date(),
    });
    await runtime.db.signoffNotice.update({ where: { key: `decided:${request.id}` }, data: { createdAt: LONG_AGO() } });
    const running = startRecoverySweep({
      recovery: createRecoveryRepository(runtime.db),
      queues: runtime.queues,
      assessments: runtime.assessments,
      deployments: deploymentServices(runtime, chatPort(runtime.slackForWorkers), () => new Date(), { logger: silentLogger }),
      logger: silentLogger,
      signoffs: owedSignoffDeps(runtime, () => new Date()),
      intervalMs: 3_600_000,
    });
    try {
      await until(
        async () => (await runtime.db.signoffNotice.findUniqueOrThrow({ where: { key: `decided:${request.id}` } })).status === 'SENT',
        60_000,
      );
    } finally {
      await running.stop();
    }
    expect(announcements(threadTs)).toHaveLength(1);
  }, 120_000);

  it('posts a request message its creator never posted, once, even from two sweeps at once', async () => {
    const { runtime } = stack;
    const { request, threadTs } = await unpostedRequest();
    await Promise.all([sweep(), sweep()]);
    const posted = requestMessages(threadTs, request.id);
    expect(posted).toHaveLength(1);
    expect((await runtime.signoffs.findById(request.id))?.messageTs).toBe(posted[0]?.ts);
  }, 120_000);

  it('finds a request message Slack took before its process could record it, and records that one', async () => {
    const { runtime } = stack;
    const { request, threadTs } = await unpostedRequest();
    // The dying process claimed the post and Slack took it; recording the message never happened.
    expect(await runtime.signoffs.claimMessage(request.id, 60_000)).toEqual({ claimed: true, earlierAttempts: 0 });
    const ts = await slackSignoffThread({ chat: chatPort(runtime.slack), roles: runtime.roles }).postRequest(request, { lookFirst: false });

    // Its claim holds for the lease: nobody posts beside it.
    await runtime.db.signoffRequest.update({ where: { id: request.id }, data: { createdAt: LONG_AGO() } });
    await sweep();
    expect(requestMessages(threadTs, request.id)).toHaveLength(1);
    expect((await runtime.signoffs.findById(request.id))?.messageTs).toBeNull();

    // Past the lease, the sweep looks before posting, finds it and records it.
    await runtime.db.signoffRequest.update({ where: { id: request.id }, data: { messageClaimedAt: LONG_AGO() } });
    await sweep();
    expect(requestMessages(threadTs, request.id).map((message) => message.ts)).toEqual([ts]);
    expect((await runtime.signoffs.findById(request.id))?.messageTs).toBe(ts);
  }, 120_000);

  it('gives back only its own message claim: a claim retaken after the lease stays with the process that took it', async () => {
    const { runtime } = stack;
    const { request } = await unpostedRequest();
    expect(await runtime.signoffs.claimMessage(request.id, 60_000)).toEqual({ claimed: true, earlierAttempts: 0 });
    // The first claimant's post outlives its lease; another process takes the claim.
    await runtime.db.signoffRequest.update({ where: { id: request.id }, data: { messageClaimedAt: LONG_AGO() } });
    expect(await runtime.signoffs.claimMessage(request.id, 60_000)).toEqual({ claimed: true, earlierAttempts: 1 });

    // The first one's post fails and it gives back what it took: the second one's claim is not its to free.
    expect(await runtime.signoffs.releaseMessageClaim(request.id, 1)).toBe(false);
    expect(await runtime.signoffs.claimMessage(request.id, 60_000)).toEqual({ claimed: false });
    // The holder can give its own back.
    expect(await runtime.signoffs.releaseMessageClaim(request.id, 2)).toBe(true);
    expect(await runtime.signoffs.claimMessage(request.id, 60_000)).toEqual({ claimed: true, earlierAttempts: 2 });
  }, 120_000);

  it('gives back only its own notice claim: a claim retaken after the lease stays with the process that took it', async () => {
    const { runtime } = stack;
    const { request } = await unpostedRequest();
    const notices = createSignoffNotices(runtime.db);
    const key = `decided:${request.id}`;
    await runtime.db.signoffNotice.create({ data: { key, requestId: request.id, kind: 'decided' } });
    expect(await notices.claimAttempt(key, 60_000)).toEqual({ claimed: true, earlierAttempts: 0 });
    // The first claimant's post outlives its lease; another process takes the claim.
    await runtime.db.signoffNotice.update({ where: { key }, data: { attemptedAt: LONG_AGO() } });
    expect(await notices.claimAttempt(key, 60_000)).toEqual({ claimed: true, earlierAttempts: 1 });

    // The first one's post fails and it gives back what it took: the second one's claim stays.
    await notices.releaseAttempt(key, 1);
    expect(await notices.claimAttempt(key, 60_000)).toEqual({ claimed: false });
    // The holder can give its own back.
    await notices.releaseAttempt(key, 2);
    expect(await notices.claimAttempt(key, 60_000)).toEqual({ claimed: true, earlierAttempts: 2 });
  }, 120_000);
});
