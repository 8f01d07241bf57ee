import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

/*
 * Separation of duties counts an override as an approval: in production, whoever overrode the decision may neither
 * plan nor start the deployment, so one person holding the override and deployer roles cannot ship alone.
 */
const REQUESTER = 'U0OVREQ';
const BOSS = 'U0OVBOSS';
const DEPLOYER = 'U0OVDEPLOY';

let stack: TestStack;
let receiver: DeployReceiver;

beforeAll(async () => {
  receiver = await DeployReceiver.start({});
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: {
            'tech-lead': { users: [REQUESTER] },
            'release-managers': { users: [BOSS] },
            deployers: { users: [DEPLOYER, BOSS] },
          },
          services: {
            shop: {
              environments: {
                production: {
                  vars: { baseUrl, deployUrl: `${receiver.url}/production` },
                  signoff: { required: [{ role: 'tech-lead' }], overrideRole: 'release-managers' },
                  deploy: { deployerRole: 'deployers' },
                },
              },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'override separation test config',
      ),
    standIn: { users: Object.fromEntries([REQUESTER, BOSS, DEPLOYER].map((id) => [id, { name: id.toLowerCase() }])) },
  });
});
afterAll(async () => {
  await stack?.closeAll();
  await receiver?.close();
});

const answerTo = (responseUrl: string) => stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === responseUrl)?.body);

describe('an override in production', () => {
  it('is an approval for separation of duties: the person who overrode may neither plan nor start the deployment', async () => {
    const run = await stack.run('run shop production', { userId: REQUESTER });
    const { assessment } = await stack.finished(run.triggerId);
    const override = await stack.run(`override ${assessment.id} the tech lead is away and the fix is urgent`, { userId: BOSS });
    await answerTo(override.responseUrl);
    await until(async () =>
      (await stack.runtime.db.signoffRequest.findFirst({ where: { assessmentId: assessment.id, status: 'OVERRIDDEN' } })) ? true : undefined,
    );

    const planByOverrider = await stack.run('deploy shop production', { userId: BOSS });
    expect((await answerTo(planByOverrider.responseUrl)).text).toContain(
      'Separation of duties: you overrode the decision on this release, so someone else must deploy it',
    );
    expect(await stack.runtime.db.deployment.count({ where: { requestKey: planByOverrider.triggerId } })).toBe(0);

    const plan = await stack.run('deploy shop production', { userId: DEPLOYER });
    const planned = await until(() => stack.runtime.db.deployment.findFirst({ where: { requestKey: plan.triggerId, messageTs: { not: null } } }));
    const startByOverrider = await stack.standIn.clickButton(stack.eventsUrl, {
      channel: stack.channelId,
      ts: planned.messageTs ?? '',
      actionId: ids.actions.deployStart,
      userId: BOSS,
    });
    expect((await answerTo(startByOverrider.responseUrl)).text).toContain('Separation of duties: you overrode the decision on this release');
    expect((await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id: planned.id } })).status).toBe('PLANNED');
    expect(receiver.calls).toEqual([]);
  });
});
