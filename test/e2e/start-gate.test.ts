import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

// Issue 12 part 2: Start re-checks the GO at that moment, and a plan nobody starts expires.
const DEPLOYER = 'U0DEPLOYER';
const COLLEAGUE = 'U0COLLEAGUE';

let stack: TestStack;
let receiver: DeployReceiver;

beforeAll(async () => {
  receiver = await DeployReceiver.start({});
  stack = await startTestStack({
    configFor: (baseUrl) => {
      const environment = (name: string, deploy: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
        vars: { baseUrl, deployUrl: `${receiver.url}/${name}` },
        deploy: { deployerRole: 'deployers', ...deploy },
        ...extra,
      });
      return parseReadinessConfig(
        {
          roles: { deployers: { users: [DEPLOYER, COLLEAGUE] } },
          services: {
            shop: {
              environments: {
                nogo: environment('nogo'),
                stale: environment('stale', {}, { protected: true }),
                fresh: environment('fresh'),
                expiring: environment('expiring', { planExpiresAfter: '2s' }),
                lost: environment('lost'),
                // Protected, and no deploy section: readiness.yaml is valid, but nobody may deploy there.
                production: { vars: { baseUrl } },
              },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'start gate test config',
      );
    },
    standIn: { users: { [DEPLOYER]: { name: 'deployer' }, [COLLEAGUE]: { name: 'colleague' } } },
  });
});
afterAll(async () => {
  await stack.closeAll();
  await receiver.close();
});

const text = (message: StoredMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? '');
const answerTo = (responseUrl: string) => stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === responseUrl)?.body);
const deploymentRow = (id: string) => stack.runtime.db.deployment.findUniqueOrThrow({ where: { id } });
const callsFor = (environment: string) => receiver.calls.filter((call) => call.path.startsWith(`/${environment}/`));

async function assess(environment: string, healthy = true, userId = DEPLOYER) {
  stack.target.setHealthy(healthy);
  try {
    const ack = await stack.run(`run shop ${environment}`, { userId });
    return (await stack.finished(ack.triggerId)).assessment;
  } finally {
    stack.target.setHealthy(true);
  }
}

async function plan(environment: string) {
  const ack = await stack.run(`deploy shop ${environment}`, { userId: DEPLOYER });
  const row = await until(() => stack.runtime.db.deployment.findFirst({ where: { requestKey: ack.triggerId, messageTs: { not: null } } }));
  return { deployment: row, messageTs: row.messageTs ?? '' };
}

const clickStart = (messageTs: string, userId = DEPLOYER) =>
  stack.standIn.clickButton(stack.eventsUrl, { channel: stack.channelId, ts: messageTs, actionId: ids.actions.deployStart, userId });

describe('Start re-checks the GO', () => {
  it('refuses Start after a newer NO-GO, naming it, and offers a new assessment that runs like /readiness run', async () => {
    expect((await assess('nogo')).verdict).toBe('GO');
    const planned = await plan('nogo');
    const nogo = await assess('nogo', false, COLLEAGUE);
    expect(nogo.verdict).toBe('NO_GO');

    const refused = await clickStart(planned.messageTs);
    const answer = await answerTo(refused.responseUrl);
    expect(answer.text).toContain('the GO no longer stands');
    expect(answer.text).toContain(`\`${nogo.id.slice(0, 8)}\` by <@${COLLEAGUE}> (NO GO)`);
    expect(JSON.stringify(answer.blocks)).toContain(ids.actions.runAssessment);
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect((await deploymentRow(planned.deployment.id)).status).toBe('PLANNED');
    expect(await stack.runtime.db.deploymentLock.count({ where: { environment: 'nogo' } })).toBe(0);
    expect(callsFor('nogo')).toEqual([]);
    const audited = await stack.runtime.db.auditEvent.findFirstOrThrow({
      where: { subjectId: planned.deployment.id, action: 'deployment.start_refused' },
    });
    expect(audited).toMatchObject({ actor: DEPLOYER, reason: `not_go (newest assessment ${nogo.id})` });

    const before = await stack.runtime.db.assessment.count({ where: { environment: 'nogo' } });
    const rerun = await stack.standIn.clickResponseButton(stack.eventsUrl, {
      responseUrl: refused.responseUrl,
      actionId: ids.actions.runAssessment,
      channel: stack.channelId,
      userId: DEPLOYER,
    });
    const started = await until(() => stack.runtime.db.assessment.findFirst({ where: { requestKey: rerun.triggerId } }));
    expect(started).toMatchObject({ service: 'shop', environment: 'nogo', requestedBy: DEPLOYER, channelId: stack.channelId });
    expect(await stack.runtime.db.assessment.count({ where: { environment: 'nogo' } })).toBe(before + 1);
    const assessing = await stack.standIn.waitFor(() =>
      stack.standIn.responses.find((response) => response.url === rerun.responseUrl && String(response.body.text).includes('Assessing')),
    );
    expect(assessing.body.response_type).toBe('ephemeral');
  });

  it("refuses Start when the GO is older than the protected environment's 4 h window, and starts a fresh one", async () => {
    const assessment = await assess('stale');
    const stalePlan = await plan('stale');
    // Five hours pass between the plan and the click (the plan's own expiry moved out of the way).
    await stack.runtime.db.assessment.update({ where: { id: assessment.id }, data: { completedAt: new Date(Date.now() - 5 * 3_600_000) } });
    await stack.runtime.db.deployment.update({ where: { id: stalePlan.deployment.id }, data: { planExpiresAt: new Date(Date.now() + 3_600_000) } });
    const refused = await clickStart(stalePlan.messageTs);
    expect((await answerTo(refused.responseUrl)).text).toMatch(/older than this environment's freshness window \(4h\)/);
    expect((await deploymentRow(stalePlan.deployment.id)).status).toBe('PLANNED');

    await assess('fresh');
    const freshPlan = await plan('fresh');
    await clickStart(freshPlan.messageTs);
    await until(async () => ((await deploymentRow(freshPlan.deployment.id)).status === 'SUCCEEDED' ? true : undefined));
    const started = await stack.runtime.db.auditEvent.findFirstOrThrow({
      where: { subjectId: freshPlan.deployment.id, action: 'deployment.started' },
    });
    expect(started.data).toMatchObject({ assessmentId: freshPlan.deployment.assessmentId });
  });
});

describe('protected environments', () => {
  it('refuses to plan where protected and no deployer role is named, instead of letting anyone deploy', async () => {
    await assess('production');
    const refused = await stack.run('deploy shop production', { userId: COLLEAGUE });
    expect((await answerTo(refused.responseUrl)).text).toContain(
      '*production* is a protected environment and readiness.yaml names no `deploy.deployerRole` for it, so nobody may deploy there',
    );
    expect(await stack.runtime.db.deployment.count({ where: { requestKey: refused.triggerId } })).toBe(0);
  });
});

describe('plans expire', () => {
  it('expires a plan nobody started: cancelled once, audited, its message saying so, and the lock free', async () => {
    await assess('expiring');
    const planned = await plan('expiring');
    expect(text(stack.standIn.message(stack.channelId, planned.messageTs))).toContain('The plan expires at');
    const expired = await until(async () =>
      (await deploymentRow(planned.deployment.id)).status === 'CANCELLED' ? deploymentRow(planned.deployment.id) : undefined,
    );
    expect(expired.failureReason).toContain('the plan expired unstarted (plans expire 2s after they are made)');
    const message = await stack.standIn.waitFor(() => {
      const shown = stack.standIn.message(stack.channelId, planned.messageTs);
      return text(shown).includes('the plan expired unstarted') ? shown : undefined;
    });
    expect(text(message)).not.toContain(ids.actions.deployStart);
    const audit = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: planned.deployment.id } });
    expect(audit.map((event) => event.action)).toEqual(['deployment.planned', 'deployment.expired']);
    expect(await stack.runtime.db.deploymentLock.count({ where: { environment: 'expiring' } })).toBe(0);
  });

  it('refuses Start past the expiry even when the expiry job was lost, and expires the plan then', async () => {
    await assess('lost');
    const planned = await plan('lost');
    // The delayed job is gone (Redis lost it) and the hour has passed.
    await stack.runtime.queues.queues.deployments.remove(`deploy-plan-expiry_${planned.deployment.id}`);
    await stack.runtime.db.deployment.update({ where: { id: planned.deployment.id }, data: { planExpiresAt: new Date(Date.now() - 1000) } });
    const refused = await clickStart(planned.messageTs);
    expect((await answerTo(refused.responseUrl)).text).toContain('Not started: this plan expired at');
    expect(await deploymentRow(planned.deployment.id)).toMatchObject({ status: 'CANCELLED', startedAt: null });
    await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, planned.messageTs)).includes('the plan expired unstarted'));
    expect(callsFor('lost')).toEqual([]);
    expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: planned.deployment.id, action: 'deployment.expired' } })).toBe(1);
  });
});
