import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { controlDeployment } from '../../src/deployments/control.ts';
import { runPhase } from '../../src/deployments/run-phase.ts';
import { deploymentServices } from '../../src/main/deployments-wiring.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { chatPort } from '../../src/slack/chat-port.ts';
import { startedDeployment } from '../support/go-assessment.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

// An announcement whose process died (or whose post failed) after the state change committed is owed: the retry
// that finds the state already changed delivers it, once, through the intent look-up before the post.
// - a replayed Abort (the inbox replays the click of a bot that died after committing it);
// - a retried phase job finding its deployment PAUSED by Readiness after an outage.
// No workers: the tests drive the use cases themselves, with the real wiring (Postgres, the Slack stand-in).
const DEPLOYER = 'U0DEPLOYER';
const OTHER = 'U0OTHER';
const SERVICE = `owed-${Date.now().toString(36)}`;
const ENVIRONMENT = 'production';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    withWorkers: false,
    configFor: () =>
      parseReadinessConfig(
        {
          roles: { deployers: { users: [DEPLOYER, OTHER] } },
          services: {
            [SERVICE]: {
              environments: { [ENVIRONMENT]: { vars: { deployUrl: 'http://127.0.0.1:9' }, deploy: { deployerRole: 'deployers' } } },
              checks: [{ id: 'health', name: 'Health', type: 'http', url: 'http://127.0.0.1:9/healthz' }],
            },
          },
        },
        'owed announcements config',
      ),
    standIn: { users: { [DEPLOYER]: { name: 'deployer' }, [OTHER]: { name: 'other' } } },
  });
}, 60_000);
afterAll(async () => {
  await stack?.runtime.db.deploymentLock.deleteMany({ where: { service: SERVICE } });
  await stack?.closeAll();
});

const domain = () => deploymentServices(stack.runtime, chatPort(stack.runtime.slack), () => new Date(), { logger: silentLogger }).domain;

/** A RUNNING deployment in phase 0 of generation 1, in the stand-in's channel (the previous test's lock cleared). */
async function runningDeployment(): Promise<string> {
  await stack.runtime.db.deploymentLock.deleteMany({ where: { service: SERVICE } });
  return startedDeployment(stack.runtime, {
    service: SERVICE,
    environment: ENVIRONMENT,
    deployUrl: 'http://127.0.0.1:9',
    channelId: stack.channelId,
    requestedBy: DEPLOYER,
  });
}

const lines = (words: string) => stack.standIn.messages(stack.channelId).filter((message) => (message.text ?? '').includes(words));

describe('announcements owed after the state change committed', () => {
  it('a replayed Abort that finds its own abort committed announces it once; a click that lost a race says nothing', async () => {
    const id = await runningDeployment();
    // The bot committed the Abort and died before the announcement.
    expect((await stack.runtime.deployments.abort(id, DEPLOYER, new Date())).applied).toBe(true);
    expect(lines('Deployment aborted by')).toHaveLength(0);

    // Another person's click (or a double click's second delivery, not a replay) finds it ABORTED and posts nothing:
    // its first run may still be posting.
    expect(await controlDeployment(domain(), { deploymentId: id, action: 'abort', userId: OTHER })).toMatchObject({ ok: false });
    expect(await controlDeployment(domain(), { deploymentId: id, action: 'abort', userId: DEPLOYER })).toMatchObject({ ok: false });
    // Another person's replayed click did not abort it: not theirs to announce.
    expect(await controlDeployment(domain(), { deploymentId: id, action: 'abort', userId: OTHER, replay: true })).toMatchObject({
      ok: false,
    });
    expect(lines('Deployment aborted by')).toHaveLength(0);

    // The inbox replays the click that aborted it: the owed line, once, naming who aborted; replayed again, nothing more.
    for (let replay = 0; replay < 2; replay++) {
      const result = await controlDeployment(domain(), { deploymentId: id, action: 'abort', userId: DEPLOYER, replay: true });
      expect(result).toMatchObject({ ok: true, deployment: { status: 'ABORTED' } });
    }
    const announced = lines('Deployment aborted by');
    expect(announced).toHaveLength(1);
    expect(announced[0]?.text).toContain(`<@${DEPLOYER}>`);
  }, 60_000);

  it('a retried phase job that finds its deployment paused by Readiness after an outage announces the pause once', async () => {
    const id = await runningDeployment();
    const cause = `the database did not answer for 75 s (${id})`;
    // The job that paused it committed the pause and its post failed.
    expect((await stack.runtime.deployments.pause(id, 'system', cause)).applied).toBe(true);
    expect(lines(cause)).toHaveLength(0);

    // Its retries (the outage note stays in the job's data, so each carries a cause again).
    for (let retry = 0; retry < 2; retry++) {
      const result = await runPhase(domain(), {
        deploymentId: id,
        phaseIndex: 0,
        generation: 1,
        outageCause: 'the database did not answer for 80 s',
      });
      expect(result).toBe('paused');
    }
    const announced = lines('Paused by Readiness');
    expect(announced.filter((message) => (message.text ?? '').includes(cause))).toHaveLength(1);
    expect(announced.filter((message) => (message.text ?? '').includes(id))).toHaveLength(1);
  }, 60_000);

  it('a phase job with an outage cause finding the deployment paused by a person says nothing of Readiness', async () => {
    const id = await runningDeployment();
    expect((await stack.runtime.deployments.pause(id, DEPLOYER)).applied).toBe(true);
    expect(await runPhase(domain(), { deploymentId: id, phaseIndex: 0, generation: 1, outageCause: 'the database did not answer for 80 s' })).toBe(
      'paused',
    );
    expect(lines(id)).toHaveLength(0);
  }, 60_000);
});
