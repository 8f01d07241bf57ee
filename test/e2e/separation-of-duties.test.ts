import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

// Issue 12 part 4: in production (protected) the assessment's requester may not approve, one person counts for
// one role, and whoever approved may neither plan nor start the deployment.
const REQUESTER = 'U0REQUESTER';
const ASKER = 'U0ASKER';
const MULTI = 'U0MULTI';
const SEC = 'U0SEC';
const DEPLOYER = 'U0DEPLOYER';

let stack: TestStack;
let receiver: DeployReceiver;

beforeAll(async () => {
  receiver = await DeployReceiver.start({});
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: {
            'tech-lead': { users: [REQUESTER, MULTI] },
            security: { users: [MULTI, SEC] },
            deployers: { users: [DEPLOYER, MULTI] },
          },
          services: {
            shop: {
              environments: {
                production: {
                  vars: { baseUrl, deployUrl: `${receiver.url}/production` },
                  signoff: { required: [{ role: 'tech-lead' }, { role: 'security' }] },
                  deploy: { deployerRole: 'deployers' },
                },
                // Not protected: off unless the policy turns it on.
                staging: { vars: { baseUrl }, signoff: { required: [{ role: 'tech-lead' }, { role: 'security' }] } },
                qa: { vars: { baseUrl }, signoff: { required: [{ role: 'tech-lead' }, { role: 'security' }], separationOfDuties: true } },
              },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'separation of duties test config',
      ),
    standIn: { users: Object.fromEntries([REQUESTER, ASKER, MULTI, SEC, DEPLOYER].map((id) => [id, { name: id.toLowerCase() }])) },
  });
});
afterAll(async () => {
  await stack.closeAll();
  await receiver.close();
});

const answerTo = (responseUrl: string) => stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === responseUrl)?.body);
const signoffsOf = (requestId: string) => stack.runtime.db.signoff.findMany({ where: { requestId }, orderBy: { signedAt: 'asc' } });

/** REQUESTER runs the assessment, ASKER asks for sign-off; returns a function that clicks Approve on the request. */
async function requested(environment: string) {
  const run = await stack.run(`run shop ${environment}`, { userId: REQUESTER });
  const { assessment } = await stack.finished(run.triggerId);
  expect(assessment.verdict).toBe('GO');
  const assessmentTs = assessment.messageTs ?? '';
  await stack.standIn.waitFor(() =>
    JSON.stringify(stack.standIn.message(stack.channelId, assessmentTs)?.blocks ?? []).includes(ids.actions.requestSignoff),
  );
  await stack.standIn.clickButton(stack.eventsUrl, {
    channel: stack.channelId,
    ts: assessmentTs,
    actionId: ids.actions.requestSignoff,
    userId: ASKER,
  });
  const request = await until(() => stack.runtime.db.signoffRequest.findFirst({ where: { assessmentId: assessment.id, messageTs: { not: null } } }));
  const approve = (userId: string, role: string) =>
    stack.standIn.clickButton(stack.eventsUrl, {
      channel: stack.channelId,
      ts: request.messageTs ?? '',
      actionId: ids.actions.approve,
      userId,
      value: `${request.id}/${role}`,
    });
  return { request, approve };
}

describe('separation of duties in production', () => {
  it('keeps requester, approvers and deployer apart, naming the rule each time', async () => {
    // Someone else asks for sign-off, so the older self-approval rule (about the sign-off requester) does not apply.
    const { request, approve } = await requested('production');

    // The assessment's requester is a tech lead, but may not approve what they asked to assess.
    const own = await approve(REQUESTER, 'tech-lead');
    expect((await answerTo(own.responseUrl)).text).toContain('Separation of duties: you asked for this assessment, so you cannot approve it');

    // One person, one role: MULTI signs as tech lead, then may not also sign as security.
    await approve(MULTI, 'tech-lead');
    await until(async () => ((await signoffsOf(request.id)).length === 1 ? true : undefined));
    const twice = await approve(MULTI, 'security');
    expect((await answerTo(twice.responseUrl)).text).toContain(
      'you already approved this assessment as *tech-lead*, and one person counts for one role',
    );
    expect((await signoffsOf(request.id)).map((signoff) => [signoff.role, signoff.userId])).toEqual([['tech-lead', MULTI]]);

    await approve(SEC, 'security');
    await until(async () =>
      (await stack.runtime.db.signoffRequest.findUniqueOrThrow({ where: { id: request.id } })).status === 'APPROVED' ? true : undefined,
    );

    // The approver may not deploy what they approved: neither plan it ...
    const planByApprover = await stack.run('deploy shop production', { userId: MULTI });
    expect((await answerTo(planByApprover.responseUrl)).text).toContain(
      'Separation of duties: you approved this release as *tech-lead*, so someone else must deploy it',
    );
    expect(await stack.runtime.db.deployment.count({ where: { requestKey: planByApprover.triggerId } })).toBe(0);

    // ... nor start a plan someone else made.
    const plan = await stack.run('deploy shop production', { userId: DEPLOYER });
    const planned = await until(() => stack.runtime.db.deployment.findFirst({ where: { requestKey: plan.triggerId, messageTs: { not: null } } }));
    const start = (userId: string) =>
      stack.standIn.clickButton(stack.eventsUrl, {
        channel: stack.channelId,
        ts: planned.messageTs ?? '',
        actionId: ids.actions.deployStart,
        userId,
      });
    const startByApprover = await start(MULTI);
    const refused = await answerTo(startByApprover.responseUrl);
    expect(refused.text).toContain('Separation of duties: you approved this release as *tech-lead*');
    expect(JSON.stringify(refused.blocks ?? [])).not.toContain(ids.actions.runAssessment);
    expect((await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id: planned.id } })).status).toBe('PLANNED');

    await start(DEPLOYER);
    const done = await until(async () => {
      const row = await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id: planned.id } });
      return row.status === 'SUCCEEDED' ? row : undefined;
    });
    expect(done.startedBy).toBe(DEPLOYER);
  });
});

describe('separation of duties elsewhere', () => {
  it('is off in an unprotected environment unless its policy turns it on', async () => {
    const staging = await requested('staging');
    await staging.approve(REQUESTER, 'tech-lead');
    await until(async () => ((await signoffsOf(staging.request.id)).length === 1 ? true : undefined));
    expect((await signoffsOf(staging.request.id)).map((signoff) => [signoff.role, signoff.userId])).toEqual([['tech-lead', REQUESTER]]);

    const qa = await requested('qa');
    const refused = await qa.approve(REQUESTER, 'tech-lead');
    expect((await answerTo(refused.responseUrl)).text).toContain('Separation of duties: you asked for this assessment');
    expect(await signoffsOf(qa.request.id)).toEqual([]);
  });
});
