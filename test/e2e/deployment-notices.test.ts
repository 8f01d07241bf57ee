import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { SHIPPED_TEMPLATES } from '../../src/deployments/default-templates.ts';
import { buildPlan } from '../../src/deployments/plan.ts';
import { deploymentServices } from '../../src/main/deployments-wiring.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { chatPort } from '../../src/slack/chat-port.ts';
import { inAnHour, seedGoAssessment } from '../support/go-assessment.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

// A worker SIGKILLed between Slack's OK and the database write (or a job redelivered after it posted) used to post a
// deployment's message or announcement again: chat.postMessage has no idempotency key. Each post now carries its
// intent as message metadata and is looked for in the release thread first (src/slack/deployment-poster.ts).

const DEPLOYER = 'U0DEPLOYER';
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({
    withWorkers: false,
    configFor: () =>
      parseReadinessConfig(
        {
          roles: { deployers: { users: [DEPLOYER] } },
          services: {
            shop: {
              environments: { prod: { vars: { deployUrl: 'http://127.0.0.1:9/deploy' }, deploy: { deployerRole: 'deployers' } } },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: 'http://127.0.0.1:9/healthz' }],
            },
          },
        },
        'deployment notices test',
      ),
  });
});

afterAll(async () => {
  await stack?.closeAll();
});

/** A planned deployment whose release thread is a message in the stand-in's channel. */
async function plannedDeployment() {
  const { runtime } = stack;
  const thread = await chatPort(runtime.slack).postMessage({ channel: stack.channelId, text: 'the assessment' });
  const template = SHIPPED_TEMPLATES.standard;
  if (!template || !thread.ts) throw new Error('no template or thread');
  const planned = buildPlan('standard', template, { deployUrl: 'http://127.0.0.1:9', service: 'shop', environment: 'prod', version: 'v1' });
  if (!planned.ok) throw new Error(planned.problems.join('; '));
  const { deployment } = await runtime.deployments.create({
    requestKey: `notices-${randomUUID()}`,
    service: 'shop',
    environment: 'prod',
    template: 'standard',
    version: 'v1',
    requestedBy: DEPLOYER,
    channelId: stack.channelId,
    threadTs: thread.ts,
    assessmentId: await seedGoAssessment(runtime.db, 'shop', 'prod'),
    plan: planned.plan,
    planExpiresAt: inAnHour(),
  });
  return deployment;
}

/** A worker's effects, as src/main wires them: a new one per "process". */
const workerEffects = () =>
  deploymentServices(stack.runtime, chatPort(stack.runtime.slackForWorkers), () => new Date(), { logger: silentLogger }).domain.effects;
const replies = (threadTs: string | null) => stack.standIn.messages(stack.channelId).filter((message) => message.threadTs === threadTs);

describe('deployment notices after a crash between Slack and the database', () => {
  it('finds the deployment message Slack took before its process died, records it and posts no second one', async () => {
    const deployment = await plannedDeployment();
    await workerEffects().publish(deployment);
    const first = await stack.runtime.deployments.find(deployment.id);
    expect(first?.messageTs).toBeTruthy();
    // The process died after Slack's OK, before attachMessage: the row has no message.
    await stack.runtime.db.deployment.update({ where: { id: deployment.id }, data: { messageTs: null } });

    await workerEffects().publish(deployment);

    const after = await stack.runtime.deployments.find(deployment.id);
    expect(after?.messageTs).toBe(first?.messageTs);
    const deploymentMessages = replies(deployment.threadTs).filter((message) =>
      JSON.stringify(message.blocks ?? []).includes(deployment.id.slice(0, 8)),
    );
    expect(deploymentMessages).toHaveLength(1);
    expect(deploymentMessages[0]?.metadata).toEqual({
      event_type: 'readiness_deployment_message',
      event_payload: { intent_id: `deployment:${deployment.id}:message` },
    });
  });

  it('posts each announcement once when a redelivered job says it again, and a different one still', async () => {
    const deployment = await plannedDeployment();
    // The job that ended the deployment posted, then died; its redelivery (runPhase's retry path) says it again.
    await workerEffects().announce(deployment, { kind: 'succeeded' });
    await workerEffects().announce(deployment, { kind: 'succeeded' });
    await workerEffects().announce(deployment, { kind: 'rollback_started', by: DEPLOYER, reason: 'manual rollback' });
    await workerEffects().announce(deployment, { kind: 'rollback_started', by: DEPLOYER, reason: 'manual rollback' });

    const said = (fragment: string) => replies(deployment.threadTs).filter((message) => (message.text ?? '').includes(fragment));
    expect(said('*Deployed*')).toHaveLength(1);
    expect(said(':rewind: Rolling back')).toHaveLength(1);
  });

  it('raises a channel alert once', async () => {
    const deployment = await plannedDeployment();
    await workerEffects().alertChannel(deployment, { kind: 'rollback_overrun', maxDurationMs: 60_000 });
    await workerEffects().alertChannel(deployment, { kind: 'rollback_overrun', maxDurationMs: 60_000 });
    const alerts = stack.standIn
      .messages(stack.channelId)
      .filter((message) => message.threadTs === undefined && JSON.stringify(message.metadata ?? {}).includes(`deployment:${deployment.id}:`));
    expect(alerts).toHaveLength(1);
  });
});
