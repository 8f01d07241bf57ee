import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import { ids } from '../../src/slack/ids.ts';
import { ackText, startTestStack, until, type TestStack } from '../support/test-stack.ts';

// Issue 12 part 4: requests whose team (or org) is not the installation's are refused before any work.
const DEPLOYER = 'U0DEPLOYER';
const GUEST = 'U0GUEST';
const OTHER_TEAM = 'T0OTHERCO';

let stack: TestStack;
let receiver: DeployReceiver;

beforeAll(async () => {
  receiver = await DeployReceiver.start({});
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          // The guest is even listed in the role: membership does not matter when the workspace is wrong.
          roles: { deployers: { users: [DEPLOYER, GUEST] } },
          services: {
            shop: {
              environments: { staging: { vars: { baseUrl, deployUrl: `${receiver.url}/staging` }, deploy: { deployerRole: 'deployers' } } },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'installation guard test config',
      ),
    standIn: { users: { [DEPLOYER]: { name: 'deployer' }, [GUEST]: { name: 'guest-from-otherco' } } },
  });
});
afterAll(async () => {
  await stack.closeAll();
  await receiver.close();
});

describe('requests from outside the installation', () => {
  it('refuses a slash command from another workspace in the ack, naming the rule, and records nothing', async () => {
    const postsBefore = stack.standIn.callsTo('chat.postMessage').length;
    const refused = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
      text: 'run shop staging',
      userId: GUEST,
      channelId: stack.channelId,
      teamId: OTHER_TEAM,
    });
    expect(refused.status).toBe(200);
    expect(ackText(refused)).toContain('Refused by the rule *installation workspace only*');
    expect(ackText(refused)).toContain(OTHER_TEAM);
    expect((refused.json as { response_type?: string }).response_type).toBe('ephemeral');
    // Nothing recorded, nothing queued, nothing posted — not even the intake job a run arms before its ack.
    expect(await stack.runtime.db.assessment.count({ where: { requestKey: refused.triggerId } })).toBe(0);
    expect(await stack.runtime.queues.queues.intake.getJobCounts('delayed', 'waiting')).toMatchObject({ delayed: 0, waiting: 0 });
    expect(stack.standIn.callsTo('chat.postMessage').length).toBe(postsBefore);
  });

  it('refuses a click from a Slack Connect user of another workspace, and lets the same click from home through', async () => {
    const run = await stack.run('run shop staging', { userId: DEPLOYER });
    await stack.finished(run.triggerId);
    const ack = await stack.run('deploy shop staging', { userId: DEPLOYER });
    const plan = await until(() => stack.runtime.db.deployment.findFirst({ where: { requestKey: ack.triggerId, messageTs: { not: null } } }));
    const click = (teamId?: string, userId = GUEST) =>
      stack.standIn.clickButton(stack.eventsUrl, {
        channel: stack.channelId,
        ts: plan.messageTs ?? '',
        actionId: ids.actions.deployStart,
        userId,
        ...(teamId ? { teamId } : {}),
      });

    const refused = await click(OTHER_TEAM);
    const answer = await stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === refused.responseUrl)?.body);
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(answer.text)).toContain('Refused by the rule *installation workspace only*');
    expect((await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe('PLANNED');
    expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: plan.id, action: 'deployment.started' } })).toBe(0);

    await click(undefined, DEPLOYER);
    await until(async () =>
      (await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id: plan.id } })).status !== 'PLANNED' ? true : undefined,
    );
  });

  it('refuses a request from another Enterprise Grid org, even naming the home workspace', async () => {
    const refused = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
      text: 'help',
      userId: GUEST,
      channelId: stack.channelId,
      enterpriseId: 'E0OTHERORG',
    });
    expect(ackText(refused)).toContain('acts only on requests from the organization it is installed in');
    const home = await stack.standIn.sendSlashCommand(stack.eventsUrl, { text: 'help', userId: DEPLOYER, channelId: stack.channelId });
    expect(ackText(home)).not.toContain('Refused');
  });
});
