import { describe, expect, it } from 'vitest';
import { SHIPPED_TEMPLATES } from '../../../src/deployments/default-templates.ts';
import type { DeploymentStatus, DeploymentView, TaskView } from '../../../src/deployments/deployment.types.ts';
import { buildPlan, type DeploymentPlan } from '../../../src/deployments/plan.ts';
import { Template } from '../../../src/deployments/template.schema.ts';
import { BLOCK_KIT_LIMITS, validateBlocks, validateMessageText } from '../../../src/slack/block-kit-limits.ts';
import { ids } from '../../../src/slack/ids.ts';
import type { SlackMessage } from '../../../src/slack/views/assessment-message.ts';
import { renderDeploymentMessage } from '../../../src/slack/views/deployment-message.ts';

const ID = '7d1e2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';
const CREATED_AT = new Date('2025-06-01T12:00:00.000Z');
const STARTED_AT = new Date('2025-06-01T12:01:00.000Z');
const NOW = new Date('2025-06-01T12:02:30.000Z');
const at = (seconds: number) => new Date(STARTED_AT.getTime() + seconds * 1000);

function planOf(template: Template, name = 'standard'): DeploymentPlan {
  const result = buildPlan(name, template, { deployUrl: 'https://deploy.internal/shop', service: 'shop', environment: 'prod', version: 'v1' });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.plan;
}
const STANDARD = planOf(SHIPPED_TEMPLATES.standard as Template);

function task(taskId: string, phaseIndex: number, status: TaskView['status'], overrides: Partial<TaskView> = {}): TaskView {
  return {
    stage: 'deploy',
    phaseIndex,
    taskId,
    type: 'webhook',
    status,
    attempts: status === 'PENDING' ? 0 : 1,
    idempotencyKey: `${ID}_deploy_${taskId}`,
    message: null,
    evidence: null,
    startedAt: status === 'PENDING' ? null : at(phaseIndex * 10),
    finishedAt: status === 'SUCCEEDED' || status === 'FAILED' ? at(phaseIndex * 10 + 4) : null,
    ...overrides,
  };
}

function deployment(overrides: Partial<DeploymentView> = {}): DeploymentView {
  return {
    id: ID,
    service: 'shop',
    environment: 'prod',
    template: 'standard',
    version: 'v1.4.2',
    status: 'PLANNED',
    requestedBy: 'U0DEPLOYER',
    startedBy: null,
    channelId: 'C0RELEASE',
    threadTs: '1748779200.000100',
    messageTs: '1748779260.000200',
    assessmentId: '3f2c9a7e-1b4d-4c5e-9f60-123456789abc',
    plan: STANDARD,
    currentPhase: 0,
    generation: 0,
    failureReason: null,
    rollbackReason: null,
    rollbackBy: null,
    createdAt: CREATED_AT,
    planExpiresAt: new Date(CREATED_AT.getTime() + 3_600_000),
    startedAt: null,
    finishedAt: null,
    rollbackStartedAt: null,
    rollbackFinishedAt: null,
    tasks: [],
    ...overrides,
  };
}

const RUNNING = deployment({
  status: 'RUNNING',
  startedBy: 'U0DEPLOYER',
  startedAt: STARTED_AT,
  currentPhase: 1,
  generation: 1,
  tasks: [
    task('prepare', 0, 'SUCCEEDED', { message: 'https://deploy.internal/shop/prepare answered 200' }),
    task('deploy', 1, 'RUNNING', { attempts: 2 }),
    task('verify', 2, 'PENDING'),
    task('finalize', 3, 'PENDING'),
  ],
});

function expectValid(message: SlackMessage) {
  expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  expect(validateMessageText(message.text, message.blocks)).toEqual([]);
}

const blockText = (message: SlackMessage, blockId: string) => {
  const block = message.blocks.find((candidate) => candidate.block_id === blockId) as { text?: { text?: string } } | undefined;
  return block?.text?.text ?? '';
};

/** The Proceed buttons: one actions block per waiting gate. */
function gates(message: SlackMessage) {
  return message.blocks
    .filter((block) => String(block.block_id).startsWith(`${ids.blocks.deploymentGates}_`))
    .flatMap((block) => (block as { elements: { action_id: string; value: string; text: { text: string } }[] }).elements)
    .map((element) => [element.action_id, element.value, element.text.text]);
}

/** The action ids of the control buttons, and their values. */
function controls(message: SlackMessage): { actions: string[]; values: string[] } {
  const block = message.blocks.find((candidate) => candidate.block_id === ids.blocks.deploymentButtons) as
    | { elements: { action_id: string; value: string }[] }
    | undefined;
  return { actions: block?.elements.map((element) => element.action_id) ?? [], values: block?.elements.map((element) => element.value) ?? [] };
}

describe('renderDeploymentMessage: snapshots', () => {
  it('renders a plan waiting for Start, with its estimate', () => {
    const message = renderDeploymentMessage(deployment(), NOW);
    expectValid(message);
    expect(message.text).toBe('Deployment of shop to prod: planned');
    expect(blockText(message, ids.blocks.deploymentStatus)).toContain('about 4s estimated');
    expect(message).toMatchSnapshot();
  });

  it('renders a running deployment: done, running (with its retry) and waiting tasks, the current phase marked', () => {
    const message = renderDeploymentMessage(RUNNING, NOW);
    expectValid(message);
    expect(blockText(message, `${ids.blocks.deploymentPhasePrefix}1`)).toBe(
      ':arrow_forward: *2. deployment*\n:arrows_counterclockwise: deploy _(webhook)_ · 1m 20s · attempt 2',
    );
    expect(message).toMatchSnapshot();
  });

  it('renders a rolled-back deployment with the reason and the rollback tasks', () => {
    const message = renderDeploymentMessage(
      deployment({
        status: 'ROLLED_BACK',
        startedBy: 'U0DEPLOYER',
        startedAt: STARTED_AT,
        finishedAt: at(45),
        currentPhase: 2,
        rollbackReason: 'verification failed: verify — https://deploy.internal/shop/verify answered 500',
        rollbackBy: 'system',
        tasks: [
          task('prepare', 0, 'SUCCEEDED'),
          task('deploy', 1, 'SUCCEEDED'),
          task('verify', 2, 'FAILED', { message: 'https://deploy.internal/shop/verify answered 500' }),
          task('finalize', 3, 'PENDING'),
          task('rollback', 0, 'SUCCEEDED', { stage: 'rollback', startedAt: at(30), finishedAt: at(44) }),
        ],
      }),
      NOW,
    );
    expectValid(message);
    expect(blockText(message, ids.blocks.deploymentRollback)).toBe('*Rollback*\n:white_check_mark: rollback _(webhook)_ · 14s');
    expect(message).toMatchSnapshot();
  });
});

describe('renderDeploymentMessage: buttons', () => {
  const EXPECTED: Record<DeploymentStatus, string[]> = {
    PLANNED: [ids.actions.deployStart, ids.actions.deployCancel],
    RUNNING: [ids.actions.deployPause, ids.actions.deployAbort, ids.actions.deployRollback],
    PAUSED: [ids.actions.deployResume, ids.actions.deployAbort, ids.actions.deployRollback],
    SUCCEEDED: [ids.actions.deployRollback],
    FAILED: [ids.actions.deployRollback],
    ABORTED: [ids.actions.deployRollback],
    CANCELLED: [],
    ROLLING_BACK: [],
    ROLLED_BACK: [],
    ROLLBACK_FAILED: [],
  };

  it.each(Object.entries(EXPECTED))('%s shows exactly the controls that apply', (status, actions) => {
    const message = renderDeploymentMessage(deployment({ status: status as DeploymentStatus }), NOW);
    expectValid(message);
    expect(controls(message)).toEqual({ actions, values: actions.map(() => ID) });
    if (actions.length === 0) expect(message.blocks.some((block) => block.block_id === ids.blocks.deploymentButtons)).toBe(false);
  });

  it('offers Proceed for each manual gate that waits, while the deployment runs or is paused', () => {
    const gated = planOf(
      Template.parse({
        phases: [
          {
            id: 'go-live',
            tasks: [
              { id: 'approval', type: 'manual-gate', role: 'approvers' },
              { id: 'security', type: 'manual-gate', role: 'security' },
              { id: 'switch', type: 'webhook', url: 'https://x', after: ['approval', 'security'] },
            ],
          },
        ],
        rollback: { tasks: [{ id: 'undo', type: 'webhook', url: 'https://x/undo' }] },
      }),
      'gated',
    );
    const waiting = (status: DeploymentStatus) =>
      renderDeploymentMessage(
        deployment({
          status,
          plan: gated,
          tasks: [
            task('approval', 0, 'WAITING', { type: 'manual-gate' }),
            task('security', 0, 'WAITING', { type: 'manual-gate' }),
            task('switch', 0, 'PENDING'),
          ],
        }),
        NOW,
      );
    for (const status of ['RUNNING', 'PAUSED'] as const) {
      const message = waiting(status);
      expectValid(message);
      expect(gates(message)).toEqual([
        [ids.actions.gateProceed, `${ID}/approval`, 'Proceed: approval'],
        [ids.actions.gateProceed, `${ID}/security`, 'Proceed: security'],
      ]);
      expect(blockText(message, `${ids.blocks.deploymentPhasePrefix}0`)).toContain(':raised_hand: approval _(manual-gate)_');
    }
    for (const status of ['ABORTED', 'ROLLING_BACK'] as const) expect(gates(waiting(status))).toEqual([]);
  });
});

describe('renderDeploymentMessage: limits and escaping', () => {
  it('stays within Block Kit limits with 45 phases of 12 long-named, long-message tasks, a rollback and gates', () => {
    const longName = 'a-task-name-that-goes-on'.padEnd(60, 'x');
    const big = planOf(
      Template.parse({
        phases: Array.from({ length: 45 }, (_, phase) => ({
          id: `phase-${phase}`,
          name: `Phase ${phase} `.padEnd(100, '·'),
          verification: phase % 2 === 0,
          tasks: Array.from({ length: 12 }, (_, index) => ({
            id: `t${phase}-${index}`,
            name: `${longName} ${index}`,
            ...(index === 0 ? { type: 'manual-gate', role: 'r' } : { type: 'wait', duration: '1s' }),
          })),
        })),
        rollback: {
          tasks: Array.from({ length: 30 }, (_, index) => ({ id: `undo-${index}`, name: `${longName} ${index}`, type: 'webhook', url: 'https://x' })),
        },
      }),
      'huge',
    );
    const rows = big.phases.flatMap((phase, phaseIndex) =>
      phase.tasks.map((planned, index) => task(planned.id, phaseIndex, index === 0 ? 'WAITING' : 'FAILED', { message: 'x'.repeat(500) })),
    );
    const rollbackRows = big.rollback.tasks.map((planned) => task(planned.id, 0, 'FAILED', { stage: 'rollback', message: 'y'.repeat(500) }));
    for (const status of ['RUNNING', 'ROLLBACK_FAILED'] as const) {
      const message = renderDeploymentMessage(
        deployment({
          status,
          plan: big,
          startedAt: STARTED_AT,
          startedBy: 'U0DEPLOYER',
          failureReason: 'z'.repeat(5000),
          tasks: [...rows, ...rollbackRows],
        }),
        NOW,
      );
      expectValid(message);
      expect(message.blocks.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.blocksPerMessage);
      expect(JSON.stringify(message)).toContain('…and 5 more phases');
      expect(gates(message)).toHaveLength(status === 'RUNNING' ? 5 : 0);
    }
  });

  it('escapes what people and tools typed: version, names, task messages and reasons', () => {
    const message = renderDeploymentMessage(
      deployment({
        status: 'FAILED',
        version: 'v2 <!channel>',
        environment: 'prod&co',
        startedBy: 'U0DEPLOYER',
        startedAt: STARTED_AT,
        finishedAt: at(20),
        failureReason: 'phase deployment failed: deploy — <https://evil.example|click me>',
        tasks: [task('prepare', 0, 'SUCCEEDED'), task('deploy', 1, 'FAILED', { message: 'tool said <@U0BOSS> & <!here>' })],
      }),
      NOW,
    );
    expectValid(message);
    const all = JSON.stringify(message.blocks);
    expect(all).not.toMatch(/<!channel>|<!here>|<@U0BOSS>|<https:\/\/evil/);
    expect(blockText(message, ids.blocks.deploymentStatus)).toContain('*shop v2 &lt;!channel&gt; → prod&amp;co*');
    expect(blockText(message, ids.blocks.deploymentStatus)).toContain(
      '*Why:* phase deployment failed: deploy — &lt;https://evil.example|click me&gt;',
    );
    expect(blockText(message, `${ids.blocks.deploymentPhasePrefix}1`)).toContain('tool said &lt;@U0BOSS&gt; &amp; &lt;!here&gt;');
    expect(blockText(message, ids.blocks.deploymentStatus)).toContain('Started by <@U0DEPLOYER>');
  });
});
