import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { startBot, type RunningBot } from '../../src/main/compose.ts';
import { createRuntime, type Runtime } from '../../src/main/runtime.ts';
import { jobIds } from '../../src/queue/names.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

const DEPLOYER = 'U0DEPLOYER';
const SECRET = 'a-shared-secret-of-enough-length';
/** Long enough to pause and resume (waiting for the message to show each button) while it runs. */
const SLOW_TASK_MS = 4000;
/** The standard template: prepare, deploy, verify, finalize, each once. */
const ALL_TASKS = ['prepare', 'deploy', 'verify', 'finalize'];
const ENVIRONMENTS = ['early', 'flicker', 'redelivered', 'replicas', 'mixed'];

let stack: TestStack;
let receiver: DeployReceiver;
let replica: { runtime: Runtime; bot: RunningBot } | undefined;

beforeAll(async () => {
  receiver = await DeployReceiver.start({ secret: SECRET });
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: { deployers: { users: [DEPLOYER] } },
          services: {
            shop: {
              environments: Object.fromEntries(
                ENVIRONMENTS.map((name) => [
                  name,
                  {
                    vars: { baseUrl, deployUrl: `${receiver.url}/${name}` },
                    deploy: { template: 'standard', deployerRole: 'deployers', webhookSecret: SECRET },
                  },
                ]),
              ),
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'deployment resume test config',
      ),
    standIn: { users: { [DEPLOYER]: { name: 'deployer' } } },
  });
});
afterAll(async () => {
  await replica?.bot.stop();
  await replica?.runtime.close();
  await stack.closeAll();
  await receiver.close();
});

const text = (message: StoredMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? '');
const shown = (messageTs: string, fragment: string) =>
  stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, messageTs)).includes(fragment) || undefined);
const deploymentRow = (id: string) => stack.runtime.db.deployment.findUniqueOrThrow({ where: { id } });
const statusIs = (id: string, ...statuses: string[]) =>
  until(async () => {
    const row = await deploymentRow(id);
    return statuses.includes(row.status) ? row : undefined;
  }, 30_000);
const callsFor = (environment: string) =>
  receiver.calls.filter((call) => call.path.startsWith(`/${environment}/`)).map((call) => call.path.slice(environment.length + 2));
const auditActions = async (deploymentId: string) =>
  (await stack.runtime.db.auditEvent.findMany({ where: { subjectId: deploymentId }, orderBy: { at: 'asc' } })).map((event) => event.action);
const phaseJob = (deploymentId: string, phaseIndex: number, generation: number) =>
  stack.runtime.queues.queues.deployments.getJob(jobIds.deploymentPhase(deploymentId, phaseIndex, generation));
const taskStatus = async (deploymentId: string, taskId: string) =>
  (await stack.runtime.db.deploymentTask.findFirstOrThrow({ where: { deploymentId, taskId, stage: 'deploy' } })).status;

function click(messageTs: string, actionId: string) {
  return stack.standIn.clickButton(stack.eventsUrl, { channel: stack.channelId, ts: messageTs, actionId, userId: DEPLOYER });
}

/** The same click delivered again, as a fresh interaction (its own response URL), to the given bot. */
function redeliver(payload: Record<string, unknown>, eventsUrl = stack.eventsUrl) {
  const { response_url: _responseUrl, trigger_id: _triggerId, ...fresh } = payload;
  return stack.standIn.sendInteraction(eventsUrl, fresh);
}

/** A GO, the plan, Start; returns once the slow first task (prepare) is running at the receiver. */
async function startSlow(environment: string, prepareMs = SLOW_TASK_MS) {
  receiver.behave(`/${environment}/prepare`, { delayMs: prepareMs });
  const run = await stack.run(`run shop ${environment}`, { userId: DEPLOYER });
  const { assessment } = await stack.finished(run.triggerId);
  expect(assessment.verdict).toBe('GO');
  const ack = await stack.run(`deploy shop ${environment}`, { userId: DEPLOYER });
  const deployment = await until(() => stack.runtime.db.deployment.findFirst({ where: { requestKey: ack.triggerId, messageTs: { not: null } } }));
  const messageTs = deployment.messageTs ?? '';
  await click(messageTs, ids.actions.deployStart);
  await until(async () => callsFor(environment).includes('prepare'));
  await shown(messageTs, ids.actions.deployPause);
  return { deployment, messageTs };
}

/** Pause, then Resume once the message offers it; returns both clicks' payloads for replays. */
async function pauseThenResume(deploymentId: string, messageTs: string) {
  const pause = await click(messageTs, ids.actions.deployPause);
  await statusIs(deploymentId, 'PAUSED');
  await shown(messageTs, ids.actions.deployResume);
  const resume = await click(messageTs, ids.actions.deployResume);
  return { pause: pause.payload, resume: resume.payload };
}

/** What a user notices: every webhook task reached the tooling once, and the release went out. */
async function expectDeployedOnce(environment: string, deploymentId: string) {
  const done = await statusIs(deploymentId, 'SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'ROLLBACK_FAILED', 'ABORTED');
  expect(done.status).toBe('SUCCEEDED');
  expect(callsFor(environment)).toEqual(ALL_TASKS);
  expect(receiver.calls.filter((call) => call.path.startsWith(`/${environment}/`) && !call.executed)).toEqual([]);
  return done;
}

describe('Resume before the pause took effect', () => {
  it('cancels the pause: the running phase goes on in its own job, each task runs once, and the deployment succeeds', async () => {
    const { deployment, messageTs } = await startSlow('early');
    await pauseThenResume(deployment.id, messageTs);
    await statusIs(deployment.id, 'RUNNING');
    // The pause never took effect: the same job carries on; no second job runs the phase.
    expect(await taskStatus(deployment.id, 'prepare')).toBe('RUNNING');
    expect((await deploymentRow(deployment.id)).generation).toBe(1);

    const done = await expectDeployedOnce('early', deployment.id);
    expect(done.generation).toBe(1);
    expect(await phaseJob(deployment.id, 0, 2)).toBeUndefined();
    expect((await phaseJob(deployment.id, 0, 1))?.returnvalue).toBe('next_phase');
    expect((await auditActions(deployment.id)).filter((action) => action === 'deployment.paused' || action === 'deployment.resumed')).toEqual([
      'deployment.paused',
      'deployment.resumed',
    ]);
  });

  it('Pause, Resume, Pause, Resume in quick succession while a task runs: still one run of each task', async () => {
    const { deployment, messageTs } = await startSlow('flicker');
    const clicks = await pauseThenResume(deployment.id, messageTs);
    await statusIs(deployment.id, 'RUNNING');
    const pausedAgain = await redeliver(clicks.pause);
    await statusIs(deployment.id, 'PAUSED');
    const resumedAgain = await redeliver(clicks.resume);
    await statusIs(deployment.id, 'RUNNING');
    expect(await taskStatus(deployment.id, 'prepare')).toBe('RUNNING');

    const done = await expectDeployedOnce('flicker', deployment.id);
    expect(done.generation).toBe(1);
    const steps = (await auditActions(deployment.id)).filter((action) => action === 'deployment.paused' || action === 'deployment.resumed');
    expect(steps).toEqual(['deployment.paused', 'deployment.resumed', 'deployment.paused', 'deployment.resumed']);
    // Both applied silently: nobody was told something went wrong.
    expect(stack.standIn.responses.filter((response) => [pausedAgain.responseUrl, resumedAgain.responseUrl].includes(response.url))).toEqual([]);
  });

  it('a Resume click delivered twice resumes once', async () => {
    const { deployment, messageTs } = await startSlow('redelivered');
    const clicks = await pauseThenResume(deployment.id, messageTs);
    const again = await redeliver(clicks.resume);
    const refusal = await stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === again.responseUrl));
    expect(refusal.body.text).toBe('The deployment is running now, so *resume* does not apply. Nothing changed.');

    const done = await expectDeployedOnce('redelivered', deployment.id);
    expect(done.generation).toBe(1);
    expect((await auditActions(deployment.id)).filter((action) => action === 'deployment.resumed')).toHaveLength(1);
  });

  it('a Resume delivered to two bot replicas at once resumes once', async () => {
    const runtime = createRuntime({ ...stack.runtime.settings });
    replica = { runtime, bot: await startBot(runtime, { signingSecret: stack.signingSecret, appToken: undefined, port: 0 }) };
    const { deployment, messageTs } = await startSlow('replicas');
    const pause = await click(messageTs, ids.actions.deployPause);
    await statusIs(deployment.id, 'PAUSED');
    await shown(messageTs, ids.actions.deployResume);
    const resume = (
      await stack.standIn.clickButton(replica.bot.eventsUrl ?? '', {
        channel: stack.channelId,
        ts: messageTs,
        actionId: ids.actions.deployResume,
        userId: DEPLOYER,
      })
    ).payload;
    await Promise.all([redeliver(resume), redeliver(resume, replica.bot.eventsUrl ?? ''), redeliver(pause.payload, replica.bot.eventsUrl ?? '')]);

    // The last word may be the Pause: then the deployment waits at the boundary, and one more Resume starts the
    // next phase in a new job. Either way each task runs once.
    const settled = await until(async () => {
      const row = await deploymentRow(deployment.id);
      return row.status === 'SUCCEEDED' || (row.status === 'PAUSED' && row.currentPhase === 1) ? row : undefined;
    }, 30_000);
    if (settled.status === 'PAUSED') {
      await shown(messageTs, ids.actions.deployResume);
      await click(messageTs, ids.actions.deployResume);
    }
    await expectDeployedOnce('replicas', deployment.id);
  });

  it('after a pause that took effect, Resume goes on in a new job; a later Pause and Resume mid-task only cancel again', async () => {
    receiver.behave('/mixed/deploy', { delayMs: SLOW_TASK_MS });
    const { deployment, messageTs } = await startSlow('mixed', 1500);
    await click(messageTs, ids.actions.deployPause);
    // The pause takes effect at the boundary: prepare done, deploy not started.
    await until(async () => {
      const row = await deploymentRow(deployment.id);
      return row.status === 'PAUSED' && row.currentPhase === 1 ? row : undefined;
    });
    await shown(messageTs, ids.actions.deployResume);
    await click(messageTs, ids.actions.deployResume);
    await until(async () => callsFor('mixed').includes('deploy'));
    expect(await deploymentRow(deployment.id)).toMatchObject({ status: 'RUNNING', generation: 2 });

    await shown(messageTs, ids.actions.deployPause);
    await pauseThenResume(deployment.id, messageTs);
    await statusIs(deployment.id, 'RUNNING');
    expect(await taskStatus(deployment.id, 'deploy')).toBe('RUNNING');
    const done = await expectDeployedOnce('mixed', deployment.id);
    expect(done.generation).toBe(2);
    const resumed = await stack.runtime.db.auditEvent.findMany({
      where: { subjectId: deployment.id, action: 'deployment.resumed' },
      orderBy: { seq: 'asc' },
    });
    expect(resumed.map((event) => (event.data as { pauseTookEffect?: boolean }).pauseTookEffect)).toEqual([true, false]);
  });
});
