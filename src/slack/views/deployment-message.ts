import type { DeploymentStatus, DeploymentView, TaskStatus, TaskView } from '../../deployments/deployment.types.ts';
import type { PlannedTask } from '../../deployments/plan.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { ids } from '../ids.ts';
import { button } from './block-elements.ts';
import { formatElapsed } from '../../shared/duration.ts';
import type { SlackMessage } from './assessment-message.ts';
import { redactText } from '../../secrets/redact.ts';

const TASK_ICON: Record<TaskStatus | 'NOT_STARTED', string> = {
  NOT_STARTED: ':white_circle:',
  PENDING: ':white_circle:',
  RUNNING: ':arrows_counterclockwise:',
  WAITING: ':raised_hand:',
  SUCCEEDED: ':white_check_mark:',
  FAILED: ':x:',
  SKIPPED: ':fast_forward:',
};

const STATUS_LINE: Record<DeploymentStatus, string> = {
  PLANNED: ':clipboard: *Planned* — nothing runs until someone clicks Start',
  RUNNING: ':rocket: *Deploying*',
  PAUSED: ':double_vertical_bar: *Paused* — the current phase finishes, the next waits for Resume',
  SUCCEEDED: ':white_check_mark: *Deployed*',
  FAILED: ':x: *Failed*',
  ABORTED: ':octagonal_sign: *Aborted*',
  CANCELLED: ':heavy_multiplication_x: *Cancelled* before it started',
  ROLLING_BACK: ':rewind: *Rolling back*',
  ROLLED_BACK: ':leftwards_arrow_with_hook: *Rolled back*',
  ROLLBACK_FAILED: ':rotating_light: *ROLLBACK FAILED*',
};

const elapsedBetween = (from: Date, to: Date) => formatElapsed((to.getTime() - from.getTime()) / 1000);

function taskLine(task: PlannedTask, row: TaskView | undefined, now: Date): string {
  const icon = TASK_ICON[row?.status ?? 'NOT_STARTED'];
  const elapsed = row?.startedAt ? ` · ${elapsedBetween(row.startedAt, row.finishedAt ?? now)}` : '';
  const retried = row && row.attempts > 1 ? ` · attempt ${row.attempts}` : '';
  const detail = row?.message ? ` — ${escapeText(truncate(redactText(row.message), 200))}` : '';
  return `${icon} ${escapeText(task.name)} _(${task.type})_${elapsed}${retried}${detail}`;
}

function controls(deployment: DeploymentView): Record<string, unknown>[] {
  const id = deployment.id;
  switch (deployment.status) {
    case 'PLANNED':
      return [button(ids.actions.deployStart, 'Start', id, 'primary'), button(ids.actions.deployCancel, 'Cancel', id)];
    case 'RUNNING':
      return [
        button(ids.actions.deployPause, 'Pause', id),
        button(ids.actions.deployAbort, 'Abort', id, 'danger'),
        button(ids.actions.deployRollback, 'Rollback', id, 'danger'),
      ];
    case 'PAUSED':
      return [
        button(ids.actions.deployResume, 'Resume', id, 'primary'),
        button(ids.actions.deployAbort, 'Abort', id, 'danger'),
        button(ids.actions.deployRollback, 'Rollback', id, 'danger'),
      ];
    case 'SUCCEEDED':
    case 'FAILED':
    case 'ABORTED':
      return [button(ids.actions.deployRollback, 'Rollback', id, 'danger')];
    default:
      return [];
  }
}

// 50 blocks per message: status, "more phases", rollback, up to 5 gates, buttons and footer leave room for 40 phases.
const MAX_PHASES_SHOWN = 40;

/** The deployment message in the release thread, as a pure function of the deployment and the time. */
export function renderDeploymentMessage(deployment: DeploymentView, now: Date): SlackMessage {
  const { plan } = deployment;
  const target = `${escapeText(deployment.service)}${deployment.version ? ` ${escapeText(deployment.version)}` : ''} → ${escapeText(deployment.environment)}`;
  const elapsed = deployment.startedAt
    ? ` · ${elapsedBetween(deployment.startedAt, deployment.finishedAt ?? now)}`
    : ` · about ${formatElapsed(plan.estimatedMs / 1000)} estimated`;
  const reason = deployment.rollbackReason ?? deployment.failureReason;
  const statusText = [
    `${STATUS_LINE[deployment.status]} *${target}* with template \`${escapeText(plan.template)}\`${elapsed}`,
    deployment.startedBy ? `Started by ${mentionUser(deployment.startedBy)}` : `Planned by ${mentionUser(deployment.requestedBy)}`,
    deployment.status === 'PLANNED'
      ? `:hourglass: The plan expires at ${deployment.planExpiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC if nobody starts it; Start re-checks the GO.`
      : '',
    reason ? `*Why:* ${escapeText(truncate(reason, 1000))}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const blocks: Record<string, unknown>[] = [
    { type: 'section', block_id: ids.blocks.deploymentStatus, text: { type: 'mrkdwn', text: truncate(statusText, 3000) } },
  ];

  const rows = (stage: 'deploy' | 'rollback', phaseIndex: number) =>
    new Map(deployment.tasks.filter((task) => task.stage === stage && task.phaseIndex === phaseIndex).map((task) => [task.taskId, task]));
  plan.phases.slice(0, MAX_PHASES_SHOWN).forEach((phase, index) => {
    const marker = deployment.status === 'RUNNING' && index === deployment.currentPhase ? ':arrow_forward: ' : '';
    const tasks = rows('deploy', index);
    const lines = phase.tasks.map((task) => taskLine(task, tasks.get(task.id), now));
    const title = `${marker}*${index + 1}. ${escapeText(phase.name)}*${phase.verification ? ' _(verification)_' : ''}`;
    blocks.push({
      type: 'section',
      block_id: `${ids.blocks.deploymentPhasePrefix}${index}`,
      text: { type: 'mrkdwn', text: truncate([title, ...lines].join('\n'), 3000) },
    });
  });
  if (plan.phases.length > MAX_PHASES_SHOWN) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${plan.phases.length - MAX_PHASES_SHOWN} more phases` }] });
  }
  if (deployment.tasks.some((task) => task.stage === 'rollback')) {
    const tasks = rows('rollback', 0);
    const lines = plan.rollback.tasks.map((task) => taskLine(task, tasks.get(task.id), now));
    blocks.push({
      type: 'section',
      block_id: ids.blocks.deploymentRollback,
      text: { type: 'mrkdwn', text: truncate(['*Rollback*', ...lines].join('\n'), 3000) },
    });
  }
  const waiting = deployment.tasks.filter((task) => task.stage === 'deploy' && task.status === 'WAITING');
  if (waiting.length > 0 && (deployment.status === 'RUNNING' || deployment.status === 'PAUSED')) {
    // One block per gate: Slack rejects an action_id used twice in one block, and every gate shares the handler's.
    for (const [index, task] of waiting.slice(0, 5).entries()) {
      blocks.push({
        type: 'actions',
        block_id: `${ids.blocks.deploymentGates}_${index}`,
        elements: [button(ids.actions.gateProceed, `Proceed: ${truncate(task.taskId, 60)}`, `${deployment.id}/${task.taskId}`, 'primary')],
      });
    }
  }
  const buttons = controls(deployment);
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: ids.blocks.deploymentButtons, elements: buttons });
  blocks.push({
    type: 'context',
    block_id: ids.blocks.deploymentFooter,
    elements: [{ type: 'mrkdwn', text: `Deployment \`${deployment.id.slice(0, 8)}\` · assessment \`${deployment.assessmentId.slice(0, 8)}\`` }],
  });
  return {
    text: `Deployment of ${deployment.service} to ${deployment.environment}: ${deployment.status.toLowerCase().replaceAll('_', ' ')}`,
    blocks,
  };
}
