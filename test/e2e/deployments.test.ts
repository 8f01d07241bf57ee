import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { ids } from '../../src/slack/ids.ts';
import { promAnswer, startPrometheusServer, type PrometheusServer } from '../support/prometheus-server.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

const DEPLOYER = 'U0DEPLOYER';
const OUTSIDER = 'U0OUTSIDER';
const SECRET = 'a-shared-secret-of-enough-length';
const ERROR_RATE = 'sum(rate(http_errors[1m]))';

let stack: TestStack;
let receiver: DeployReceiver;
let prometheus: PrometheusServer;

beforeAll(async () => {
  receiver = await DeployReceiver.start({ secret: SECRET });
  prometheus = await startPrometheusServer();
  prometheus.answer(ERROR_RATE, promAnswer.value(0.01));
  const environment = (name: string, extra: Record<string, unknown> = {}) => ({
    vars: { deployUrl: `${receiver.url}/${name}`, prometheusUrl: prometheus.url, errorRateQuery: ERROR_RATE },
    deploy: { deployerRole: 'deployers', webhookSecret: SECRET, ...extra },
  });
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: { deployers: { users: [DEPLOYER] } },
          deployments: {
            templates: {
              // The shipped canary with analysis short enough for a test.
              canary: {
                phases: [10, 100].flatMap((percent) => [
                  { id: `traffic-${percent}`, tasks: [{ id: `traffic-${percent}`, type: 'webhook', url: `{{deployUrl}}/traffic-${percent}` }] },
                  {
                    id: `analysis-${percent}`,
                    verification: true,
                    tasks: [
                      {
                        id: `analysis-${percent}`,
                        type: 'monitor',
                        url: '{{prometheusUrl}}',
                        query: '{{errorRateQuery}}',
                        comparator: '<',
                        threshold: 0.05,
                        every: '1s',
                        for: '1s',
                      },
                    ],
                  },
                ]),
                rollback: { tasks: [{ id: 'traffic-0', type: 'webhook', url: '{{deployUrl}}/traffic-0' }], verify: ['health'] },
              },
            },
          },
          services: {
            shop: {
              environments: Object.fromEntries(
                ['standard', 'canary', 'failing', 'manual', 'abort', 'locked', 'nogo'].map((name) => [
                  name,
                  { ...environment(name), vars: { ...environment(name).vars, baseUrl } },
                ]),
              ),
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'deployment test config',
      ),
    standIn: { users: { [DEPLOYER]: { name: 'deployer' }, [OUTSIDER]: { name: 'outsider' } } },
  });
});
afterAll(async () => {
  await stack.closeAll();
  await receiver.close();
  await prometheus.close();
});

const text = (message: StoredMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? '');
const answerTo = (responseUrl: string) =>
  stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === responseUrl)?.body.text as string | undefined);
const deploymentRow = (id: string) => stack.runtime.db.deployment.findUniqueOrThrow({ where: { id } });
const statusIs = (id: string, ...statuses: string[]) =>
  until(async () => ((await deploymentRow(id)) && statuses.includes((await deploymentRow(id)).status) ? deploymentRow(id) : undefined), 20_000);

async function assessGo(environment: string) {
  const ack = await stack.run(`run shop ${environment}`, { userId: DEPLOYER });
  const { assessment } = await stack.finished(ack.triggerId);
  expect(assessment.verdict).toBe('GO');
  return assessment;
}

/** `/readiness deploy`, then the plan message in the release thread. */
async function plan(environment: string, extra = '') {
  const ack = await stack.run(`deploy shop ${environment}${extra}`, { userId: DEPLOYER });
  const answer = await answerTo(ack.responseUrl);
  const row = await until(() => stack.runtime.db.deployment.findFirst({ where: { requestKey: ack.triggerId, messageTs: { not: null } } }));
  return { answer, deployment: row, messageTs: row.messageTs ?? '' };
}

function click(messageTs: string, actionId: string, userId = DEPLOYER, value?: string) {
  return stack.standIn.clickButton(stack.eventsUrl, { channel: stack.channelId, ts: messageTs, actionId, userId, ...(value ? { value } : {}) });
}

const callsFor = (environment: string) => receiver.calls.filter((call) => call.path.startsWith(`/${environment}/`));

describe('deployments', () => {
  it('refuses to plan without a GO on the newest assessment, and says why', async () => {
    const none = await stack.run('deploy shop nogo', { userId: DEPLOYER });
    expect(await answerTo(none.responseUrl)).toContain('There is no completed assessment');
    stack.target.setHealthy(false);
    try {
      const ack = await stack.run('run shop nogo', { userId: DEPLOYER });
      await stack.finished(ack.triggerId);
    } finally {
      stack.target.setHealthy(true);
    }
    const refused = await stack.run('deploy shop nogo', { userId: DEPLOYER });
    expect(await answerTo(refused.responseUrl)).toContain('The newest assessment says NO GO, not GO');
    expect(await stack.runtime.db.deployment.count({ where: { environment: 'nogo' } })).toBe(0);
  });

  it('runs the standard template phase by phase, signing every webhook, and updates the message at most about once a second', async () => {
    const assessment = await assessGo('standard');
    const planned = await plan('standard', ' v1.2.3');
    expect(planned.answer).toContain('Nothing runs until someone clicks *Start*');
    const message = stack.standIn.message(stack.channelId, planned.messageTs);
    expect(message?.threadTs).toBe(assessment.messageTs);
    expect(text(message)).toContain('*Planned*');
    expect(text(message)).toContain('1. preparation');

    const outsider = await click(planned.messageTs, ids.actions.deployStart, OUTSIDER);
    expect(await answerTo(outsider.responseUrl)).toContain('Only members of *deployers* may do that');

    const startedAt = Date.now();
    await click(planned.messageTs, ids.actions.deployStart);
    const done = await statusIs(planned.deployment.id, 'SUCCEEDED');
    expect(done).toMatchObject({ startedBy: DEPLOYER, version: 'v1.2.3', currentPhase: 4 });
    expect(callsFor('standard').map((call) => call.path)).toEqual([
      '/standard/prepare',
      '/standard/deploy',
      '/standard/verify',
      '/standard/finalize',
    ]);
    expect(callsFor('standard').every((call) => call.signatureValid === true && call.body.version === 'v1.2.3')).toBe(true);
    expect(new Set(callsFor('standard').map((call) => call.idempotencyKey)).size).toBe(4);
    expect(await stack.runtime.db.deploymentLock.count({ where: { environment: 'standard' } })).toBe(0);

    const finalMessage = await stack.standIn.waitFor(() => {
      const current = stack.standIn.message(stack.channelId, planned.messageTs);
      return text(current).includes('*Deployed*') ? current : undefined;
    });
    const seconds = (Date.now() - startedAt) / 1000;
    expect(finalMessage.updates).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    const audit = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: planned.deployment.id }, orderBy: { seq: 'asc' } });
    expect(audit.map((event) => event.action)).toEqual(['deployment.planned', 'deployment.started', 'deployment.succeeded']);
  });

  it('runs a canary: traffic steps, each followed by analysis', async () => {
    await assessGo('canary');
    const planned = await plan('canary', ' canary v2');
    await click(planned.messageTs, ids.actions.deployStart);
    const done = await statusIs(planned.deployment.id, 'SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'ROLLING_BACK');
    expect(done.status).toBe('SUCCEEDED');
    expect(callsFor('canary').map((call) => call.path)).toEqual(['/canary/traffic-10', '/canary/traffic-100']);
    const tasks = await stack.runtime.db.deploymentTask.findMany({ where: { deploymentId: planned.deployment.id }, orderBy: { phaseIndex: 'asc' } });
    expect(tasks.map((task) => [task.taskId, task.status])).toEqual([
      ['traffic-10', 'SUCCEEDED'],
      ['analysis-10', 'SUCCEEDED'],
      ['traffic-100', 'SUCCEEDED'],
      ['analysis-100', 'SUCCEEDED'],
    ]);
  });

  it('rolls back by itself when verification fails, once, and verifies the rollback', async () => {
    await assessGo('failing');
    receiver.behave('/failing/verify', { status: 500 });
    const planned = await plan('failing');
    await click(planned.messageTs, ids.actions.deployStart);
    const rolledBack = await statusIs(planned.deployment.id, 'ROLLED_BACK', 'ROLLBACK_FAILED');
    expect(rolledBack).toMatchObject({ status: 'ROLLED_BACK', rollbackBy: 'system' });
    expect(rolledBack.rollbackReason).toContain('verification failed: verify');
    expect(callsFor('failing').map((call) => call.path)).toEqual(['/failing/prepare', '/failing/deploy', '/failing/verify', '/failing/rollback']);
    await stack.standIn.waitFor(() =>
      stack.standIn.messages(stack.channelId).find((m) => m.threadTs === planned.deployment.threadTs && (m.text ?? '').includes('Rollback finished')),
    );

    // The bot opens an incident for the rollback, living in the release thread too, the deployer a stakeholder.
    const incident = await until(() =>
      stack.runtime.db.incident.findFirst({ where: { service: 'shop', environment: 'failing', cause: 'rollback' } }),
    );
    expect(incident).toMatchObject({ openedBy: 'system', severity: 'SEV3' });
    expect(incident.threads).toEqual([{ channel: stack.channelId, ts: planned.deployment.threadTs }]);
    expect(incident.stakeholders).toEqual([DEPLOYER]);
    expect(incident.summary).toContain('verification failed');
    await stack.standIn.waitFor(() =>
      stack.standIn.messages(stack.channelId).find((m) => m.threadTs === planned.deployment.threadTs && text(m).includes(`INC-${incident.number}`)),
    );
    const again = await click(planned.messageTs, ids.actions.deployRollback).catch(() => undefined);
    if (again) expect(await answerTo(again.responseUrl)).toContain('a rollback runs once');
  });

  it('rolls back by hand after a deployment, once even when the button and the command race', async () => {
    await assessGo('manual');
    const planned = await plan('manual');
    await click(planned.messageTs, ids.actions.deployStart);
    await statusIs(planned.deployment.id, 'SUCCEEDED');
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, planned.messageTs)).includes(ids.actions.deployRollback));
    const [button, command] = await Promise.all([
      click(planned.messageTs, ids.actions.deployRollback),
      stack.run('rollback shop manual bad latency after release', { userId: DEPLOYER }),
    ]);
    await statusIs(planned.deployment.id, 'ROLLED_BACK');
    expect(callsFor('manual').filter((call) => call.path === '/manual/rollback')).toHaveLength(1);
    const audit = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: planned.deployment.id, action: 'deployment.rollback_started' } });
    expect(audit).toHaveLength(1);
    const answers = [await answerTo(command.responseUrl)];
    const buttonAnswer = stack.standIn.responses.find((response) => response.url === button.responseUrl);
    if (buttonAnswer) answers.push(String(buttonAnswer.body.text));
    expect(answers.some((answer) => /Rolling back|a rollback runs once/.test(answer))).toBe(true);
  });

  it('aborts: the running task finishes, nothing further starts, the lock is released', async () => {
    await assessGo('abort');
    receiver.behave('/abort/deploy', { delayMs: 1500 });
    const planned = await plan('abort');
    await click(planned.messageTs, ids.actions.deployStart);
    await until(async () => callsFor('abort').some((call) => call.path === '/abort/deploy'));
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, planned.messageTs)).includes(ids.actions.deployAbort));
    await click(planned.messageTs, ids.actions.deployAbort);
    await statusIs(planned.deployment.id, 'ABORTED');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(callsFor('abort').map((call) => call.path)).toEqual(['/abort/prepare', '/abort/deploy']);
    expect(await stack.runtime.db.deploymentLock.count({ where: { environment: 'abort' } })).toBe(0);
  });

  it('lets one deployment hold an environment; a second is told who holds it and since when', async () => {
    await assessGo('locked');
    receiver.behave('/locked/deploy', { delayMs: 2000 });
    const first = await plan('locked');
    const second = await plan('locked');
    await click(first.messageTs, ids.actions.deployStart);
    await statusIs(first.deployment.id, 'RUNNING');
    const refused = await click(second.messageTs, ids.actions.deployStart);
    expect(await answerTo(refused.responseUrl)).toMatch(
      new RegExp(`Another deployment holds this environment: deployment \`${first.deployment.id.slice(0, 8)}\`, started by <@${DEPLOYER}>`),
    );
    const third = await stack.run('deploy shop locked', { userId: DEPLOYER });
    expect(await answerTo(third.responseUrl)).toContain('Another deployment holds this environment');
    await statusIs(first.deployment.id, 'SUCCEEDED');
    expect((await deploymentRow(second.deployment.id)).status).toBe('PLANNED');
  });
});
