import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { jobIds } from '../../src/queue/names.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

const DEPLOYER = 'U0DEPLOYER';
const APPROVER = 'U0APPROVER';
const SECRET = 'a-shared-secret-of-enough-length';

const webhook = (id: string, path: string, extra: Record<string, unknown> = {}) => ({ id, type: 'webhook', url: `{{deployUrl}}/${path}`, ...extra });
const rollbackTo = (extra: Record<string, unknown> = {}) => ({ tasks: [webhook('rollback', 'rollback')], ...extra });

/** Templates of the test config: each exercises one task type or rollback rule. */
const TEMPLATES = {
  gated: {
    phases: [
      { id: 'deploy', tasks: [webhook('deploy', 'deploy')] },
      {
        id: 'go-live',
        tasks: [
          { id: 'approval', type: 'manual-gate', role: 'approvers', prompt: 'Look at the dashboards <!channel>' },
          webhook('switch', 'switch', { after: ['approval'] }),
          webhook('notify', 'notify'),
        ],
      },
      { id: 'finalize', tasks: [webhook('finalize', 'finalize')] },
    ],
    rollback: rollbackTo(),
  },
  checked: {
    phases: [
      { id: 'deploy', tasks: [webhook('deploy', 'deploy')] },
      // Not marked `verification`: a failing checks task is a failed verification by itself.
      { id: 'smoke', tasks: [{ id: 'smoke', type: 'checks', checks: ['health'] }] },
      { id: 'finalize', tasks: [webhook('finalize', 'finalize')] },
    ],
    rollback: rollbackTo(),
  },
  polled: {
    phases: [{ id: 'rollout', tasks: [webhook('rollout', 'rollout', { statusUrl: '{{deployUrl}}/rollout/status', pollEvery: 100 })] }],
    rollback: rollbackTo(),
  },
  layered: {
    phases: [
      { id: 'ship', tasks: [webhook('first', 'first'), webhook('second', 'second', { after: ['first'] })] },
      { id: 'finalize', tasks: [webhook('finalize', 'finalize')] },
    ],
    rollback: rollbackTo(),
  },
  slowback: {
    phases: [{ id: 'deploy', tasks: [webhook('deploy', 'deploy')] }],
    rollback: rollbackTo({ maxDuration: '1s', verify: ['health'] }),
  },
};

const ENVIRONMENTS: Record<string, string> = {
  pause: 'standard',
  cancel: 'standard',
  gated: 'gated',
  checked: 'checked',
  polled: 'polled',
  polledfail: 'polled',
  slowback: 'slowback',
  abortmid: 'layered',
};

let stack: TestStack;
let receiver: DeployReceiver;

beforeAll(async () => {
  receiver = await DeployReceiver.start({ secret: SECRET });
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: { deployers: { users: [DEPLOYER] }, approvers: { users: [APPROVER] } },
          deployments: { templates: TEMPLATES },
          services: {
            shop: {
              environments: Object.fromEntries(
                Object.entries(ENVIRONMENTS).map(([name, template]) => [
                  name,
                  { vars: { baseUrl, deployUrl: `${receiver.url}/${name}` }, deploy: { template, deployerRole: 'deployers', webhookSecret: SECRET } },
                ]),
              ),
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'deployment controls test config',
      ),
    standIn: { users: { [DEPLOYER]: { name: 'deployer' }, [APPROVER]: { name: 'approver' } } },
  });
});
afterAll(async () => {
  await stack.closeAll();
  await receiver.close();
});

const text = (message: StoredMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? '');
const answerTo = (responseUrl: string) =>
  stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === responseUrl)?.body.text as string | undefined);
const deploymentRow = (id: string) => stack.runtime.db.deployment.findUniqueOrThrow({ where: { id } });
const statusIs = (id: string, ...statuses: string[]) =>
  until(async () => {
    const row = await deploymentRow(id);
    return statuses.includes(row.status) ? row : undefined;
  }, 20_000);
const taskRow = (deploymentId: string, taskId: string, stage = 'deploy') =>
  stack.runtime.db.deploymentTask.findFirst({ where: { deploymentId, taskId, stage } });
const auditActions = async (deploymentId: string) =>
  (await stack.runtime.db.auditEvent.findMany({ where: { subjectId: deploymentId }, orderBy: { at: 'asc' } })).map((event) => event.action);
const callsFor = (environment: string) =>
  receiver.calls.filter((call) => call.path.startsWith(`/${environment}/`)).map((call) => call.path.slice(environment.length + 2));
const shown = (messageTs: string, fragment: string) =>
  stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, messageTs)).includes(fragment) || undefined);
const threadReply = (threadTs: string | null, fragment: string) =>
  stack.standIn.waitFor(() =>
    stack.standIn.messages(stack.channelId).find((message) => message.threadTs === threadTs && (message.text ?? '').includes(fragment)),
  );

async function assessGo(environment: string) {
  const ack = await stack.run(`run shop ${environment}`, { userId: DEPLOYER });
  const { assessment } = await stack.finished(ack.triggerId);
  expect(assessment.verdict).toBe('GO');
}

/** `/readiness deploy`, then the plan message in the release thread. */
async function plan(environment: string) {
  const ack = await stack.run(`deploy shop ${environment}`, { userId: DEPLOYER });
  const deployment = await until(() => stack.runtime.db.deployment.findFirst({ where: { requestKey: ack.triggerId, messageTs: { not: null } } }));
  return { deployment, messageTs: deployment.messageTs ?? '' };
}

function click(messageTs: string, actionId: string, userId = DEPLOYER, value?: string) {
  return stack.standIn.clickButton(stack.eventsUrl, { channel: stack.channelId, ts: messageTs, actionId, userId, ...(value ? { value } : {}) });
}

async function planAndStart(environment: string) {
  await assessGo(environment);
  const planned = await plan(environment);
  await click(planned.messageTs, ids.actions.deployStart);
  return planned;
}

describe('deployment controls', () => {
  it('pauses before the next phase and resumes once, however often Resume is clicked', async () => {
    receiver.behave('/pause/prepare', { delayMs: 2500 });
    const { deployment, messageTs } = await planAndStart('pause');
    await until(async () => callsFor('pause').includes('prepare'));
    await shown(messageTs, ids.actions.deployPause);
    await click(messageTs, ids.actions.deployPause);
    await statusIs(deployment.id, 'PAUSED');

    // The running phase finishes; its job then stops instead of starting the next phase.
    const phaseJob = await until(() => stack.runtime.queues.queues.deployments.getJob(jobIds.deploymentPhase(deployment.id, 0, 1)));
    await until(async () => (await phaseJob.getState()) === 'completed' || undefined);
    expect((await stack.runtime.queues.queues.deployments.getJob(jobIds.deploymentPhase(deployment.id, 0, 1)))?.returnvalue).toBe('paused');
    expect(await deploymentRow(deployment.id)).toMatchObject({ status: 'PAUSED', currentPhase: 1 });
    expect((await taskRow(deployment.id, 'prepare'))?.status).toBe('SUCCEEDED');
    expect((await taskRow(deployment.id, 'deploy'))?.status).toBe('PENDING');
    expect(await stack.runtime.queues.queues.deployments.getJob(jobIds.deploymentPhase(deployment.id, 1, 1))).toBeUndefined();
    expect(callsFor('pause')).toEqual(['prepare']);
    await shown(messageTs, ids.actions.deployResume);

    const clicks = await Promise.all([click(messageTs, ids.actions.deployResume), click(messageTs, ids.actions.deployResume)]);
    const done = await statusIs(deployment.id, 'SUCCEEDED');
    expect(done.generation).toBe(2);
    expect(callsFor('pause')).toEqual(['prepare', 'deploy', 'verify', 'finalize']);
    expect((await auditActions(deployment.id)).filter((action) => action === 'deployment.resumed')).toHaveLength(1);
    const refusal = await stack.standIn.waitFor(() => stack.standIn.responses.find((response) => clicks.some((c) => c.responseUrl === response.url)));
    expect(refusal.body.text).toMatch(/The deployment is (running|succeeded) now, so \*resume\* does not apply/);
  });

  it('cancels a planned deployment once: nothing runs, the environment stays free, the buttons go', async () => {
    await assessGo('cancel');
    const { deployment, messageTs } = await plan('cancel');
    const clicks = await Promise.all([click(messageTs, ids.actions.deployCancel), click(messageTs, ids.actions.deployCancel)]);
    const cancelled = await statusIs(deployment.id, 'CANCELLED');
    expect(cancelled.finishedAt).not.toBeNull();
    const refusal = await stack.standIn.waitFor(() => stack.standIn.responses.find((response) => clicks.some((c) => c.responseUrl === response.url)));
    expect(refusal.body.text).toBe('The deployment is cancelled now, so *cancel* does not apply. Nothing changed.');
    await shown(messageTs, '*Cancelled*');
    expect(text(stack.standIn.message(stack.channelId, messageTs))).not.toContain(ids.actions.deployStart);

    const rollback = await stack.run('rollback shop cancel', { userId: DEPLOYER });
    expect(await answerTo(rollback.responseUrl)).toBe('There is no deployment of it to roll back.');
    expect(callsFor('cancel')).toEqual([]);
    expect(await stack.runtime.db.deploymentLock.count({ where: { environment: 'cancel' } })).toBe(0);
    expect(await stack.runtime.db.deploymentTask.count({ where: { deploymentId: deployment.id } })).toBe(0);
    expect(await auditActions(deployment.id)).toEqual(['deployment.planned', 'deployment.cancelled']);
  });

  it('aborts within a phase: the running task finishes, the tasks waiting for it never start', async () => {
    receiver.behave('/abortmid/first', { delayMs: 1500 });
    const { deployment, messageTs } = await planAndStart('abortmid');
    await until(async () => callsFor('abortmid').includes('first'));
    await shown(messageTs, ids.actions.deployAbort);
    await click(messageTs, ids.actions.deployAbort);
    await statusIs(deployment.id, 'ABORTED');
    const phaseJob = await until(() => stack.runtime.queues.queues.deployments.getJob(jobIds.deploymentPhase(deployment.id, 0, 1)));
    await until(async () => ['completed', 'failed'].includes(await phaseJob.getState()) || undefined);
    expect((await taskRow(deployment.id, 'first'))?.status).toBe('SUCCEEDED');
    expect((await taskRow(deployment.id, 'second'))?.status).toBe('PENDING');
    expect(callsFor('abortmid')).toEqual(['first']);
    expect(await stack.runtime.db.deploymentLock.count({ where: { environment: 'abortmid' } })).toBe(0);
  });

  it('waits at a manual gate until a member of its role proceeds; the phase then continues', async () => {
    const { deployment, messageTs } = await planAndStart('gated');
    await until(async () => (await taskRow(deployment.id, 'approval'))?.status === 'WAITING' || undefined);
    const ask = await threadReply(deployment.threadTs, 'the deployment waits for you at *approval*');
    expect(ask.text).toContain(`<@${APPROVER}>`);
    expect(ask.text).toContain('Look at the dashboards &lt;!channel&gt;');
    await shown(messageTs, ids.actions.gateProceed);
    // The gate holds only the tasks that wait for it.
    await until(async () => (await taskRow(deployment.id, 'notify'))?.status === 'SUCCEEDED' || undefined);
    expect((await taskRow(deployment.id, 'switch'))?.status).toBe('PENDING');
    expect(callsFor('gated')).toEqual(['deploy', 'notify']);

    const gate = `${deployment.id}/approval`;
    const outsider = await click(messageTs, ids.actions.gateProceed, DEPLOYER, gate);
    expect(await answerTo(outsider.responseUrl)).toBe(`Only members of *approvers* may pass this gate: <@${APPROVER}>. Nothing changed.`);
    expect((await taskRow(deployment.id, 'approval'))?.status).toBe('WAITING');

    await Promise.all([click(messageTs, ids.actions.gateProceed, APPROVER, gate), click(messageTs, ids.actions.gateProceed, APPROVER, gate)]);
    await statusIs(deployment.id, 'SUCCEEDED');
    expect(callsFor('gated')).toEqual(['deploy', 'notify', 'switch', 'finalize']);
    expect(await taskRow(deployment.id, 'approval')).toMatchObject({ status: 'SUCCEEDED', message: `proceed given by ${APPROVER}` });
    const passed = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: deployment.id, action: 'deployment.gate_passed' } });
    expect(passed).toHaveLength(1);
    expect(passed[0]).toMatchObject({ actor: APPROVER, data: expect.objectContaining({ taskId: 'approval' }) });
  });

  it('rolls back by itself when a checks task finds the release unhealthy', async () => {
    await assessGo('checked');
    const { deployment, messageTs } = await plan('checked');
    stack.target.setHealthy(false);
    try {
      await click(messageTs, ids.actions.deployStart);
      const rolledBack = await statusIs(deployment.id, 'ROLLED_BACK', 'ROLLBACK_FAILED', 'FAILED', 'SUCCEEDED');
      expect(rolledBack).toMatchObject({ status: 'ROLLED_BACK', rollbackBy: 'system' });
      expect(rolledBack.rollbackReason).toMatch(/^verification failed: smoke — health: FAIL/);
    } finally {
      stack.target.setHealthy(true);
    }
    expect(callsFor('checked')).toEqual(['deploy', 'rollback']);
    expect((await taskRow(deployment.id, 'smoke'))?.status).toBe('FAILED');
    expect((await taskRow(deployment.id, 'finalize'))?.status).toBe('PENDING');
    expect(await auditActions(deployment.id)).toEqual([
      'deployment.planned',
      'deployment.started',
      'deployment.rollback_started',
      'deployment.rolled_back',
    ]);
    await threadReply(deployment.threadTs, 'Rolling back automatically: verification failed');
  });

  it("polls a webhook task's status URL until the tooling reports done, or failed", async () => {
    receiver.behave('/polled/rollout/status', { statuses: ['running', 'running', 'done'] });
    const { deployment } = await planAndStart('polled');
    await statusIs(deployment.id, 'SUCCEEDED');
    const polls = receiver.polls.filter((poll) => poll.path === '/polled/rollout/status');
    expect(polls.map((poll) => poll.answered)).toEqual(['running', 'running', 'done']);
    const [call] = receiver.calls.filter((candidate) => candidate.path === '/polled/rollout');
    expect(polls.every((poll) => poll.idempotencyKey === call?.idempotencyKey)).toBe(true);
    expect(await taskRow(deployment.id, 'rollout')).toMatchObject({
      status: 'SUCCEEDED',
      message: 'done after 3 status polls',
      evidence: expect.objectContaining({ polls: 3 }),
    });

    receiver.behave('/polledfail/rollout/status', { statuses: ['running', 'failed'] });
    const failing = await planAndStart('polledfail');
    const failed = await statusIs(failing.deployment.id, 'FAILED', 'SUCCEEDED', 'ROLLING_BACK', 'ROLLED_BACK');
    expect(failed.status).toBe('FAILED');
    expect(failed.failureReason).toBe('phase rollout failed: rollout — the tooling reported failure');
    expect(await stack.runtime.db.deploymentLock.count({ where: { environment: 'polledfail' } })).toBe(0);
  });

  it('alerts the channel when a rollback runs past its maxDuration, then verifies it and posts the outcome', async () => {
    receiver.behave('/slowback/rollback', { delayMs: 1500 });
    const { deployment } = await planAndStart('slowback');
    await statusIs(deployment.id, 'SUCCEEDED');
    const command = await stack.run('rollback shop slowback error rate doubled', { userId: DEPLOYER });
    expect(await answerTo(command.responseUrl)).toBe(':rewind: Rolling back; progress is on the deployment message.');

    const alert = await stack.standIn.waitFor(() =>
      stack.standIn.messages(stack.channelId).find((message) => (message.text ?? '').includes('is still running after')),
    );
    expect(alert.threadTs).toBeUndefined();
    expect(alert.text).toBe(
      ':rotating_light: The rollback of *shop* in *slowback* is still running after 1s (its maxDuration). Someone should look now.',
    );
    expect((await deploymentRow(deployment.id)).status).toBe('ROLLING_BACK');

    const done = await statusIs(deployment.id, 'ROLLED_BACK', 'ROLLBACK_FAILED');
    expect(done).toMatchObject({ status: 'ROLLED_BACK', rollbackBy: DEPLOYER, rollbackReason: 'error rate doubled' });
    await threadReply(deployment.threadTs, 'Rollback finished: rolled back; health pass again');
    expect(callsFor('slowback')).toEqual(['deploy', 'rollback']);
    const audit = await stack.runtime.db.auditEvent.findMany({
      where: { subjectId: deployment.id, action: { in: ['deployment.rollback_started', 'deployment.rolled_back'] } },
      orderBy: { at: 'asc' },
    });
    expect(audit.map((event) => [event.action, event.actor])).toEqual([
      ['deployment.rollback_started', DEPLOYER],
      ['deployment.rolled_back', 'system'],
    ]);
  });
});
