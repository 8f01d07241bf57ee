import type { ControlResult } from '../deployments/control.ts';
import type { NameRole } from './role-mentions.ts';
import type { DeploymentAlert, DeploymentAnnouncement } from '../deployments/deployment-effects.ts';
import type { DeploymentView } from '../deployments/deployment.types.ts';
import type { PlanDeploymentResult } from '../deployments/plan-deployment.ts';
import type { RollbackRequestResult } from '../deployments/rollback.ts';
import type { StartRefusal } from '../deployments/start-deployment.ts';
import { button } from './views/block-elements.ts';
import { ids } from './ids.ts';
import { formatDuration } from '../shared/duration.ts';
import { escapeText, mentionUser, truncate } from './escape.ts';

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const lockText = (lock: { deploymentId: string; holder: string; since: Date }) =>
  `deployment \`${lock.deploymentId.slice(0, 8)}\`, started by ${mentionUser(lock.holder)} at ${utc(lock.since)}`;

const ownApprovalSentence = (role: string) =>
  `Separation of duties: you approved this release as *${escapeText(role)}*, so someone else must deploy it. Nothing changed.`;

const ownOverrideSentence = 'Separation of duties: you overrode the decision on this release, so someone else must deploy it. Nothing changed.';

const noDeployerSentence = (environment: string) =>
  `*${escapeText(environment)}* is a protected environment and readiness.yaml names no \`deploy.deployerRole\` for it, so nobody may deploy there. Add one. Nothing changed.`;

/**
 * The intent behind one of a deployment's posts, carried as its message metadata: `message` for the deployment
 * message, an announcement's or alert's kind (see announcementIntent), `gate:<task>:<generation>` for a gate.
 */
export const deploymentIntent = (deploymentId: string, what: string) => `deployment:${deploymentId}:${what}`;

/**
 * The intent of an announcement. The poster skips an intent already in the thread, so a kind that can happen twice
 * to one deployment needs a per-occurrence part: `paused_after_outage` (pause, Resume, another outage) carries its
 * pause's audit sequence number. The others happen once per deployment, so their kind alone: aborted, failed and
 * succeeded are final states; a rollback starts at most once (ROLLBACKABLE_STATUSES excludes the rollback's own
 * states) and so finishes once.
 */
export function announcementIntent(deploymentId: string, announcement: DeploymentAnnouncement): string {
  const what = announcement.kind === 'paused_after_outage' ? `${announcement.kind}:${announcement.pause}` : announcement.kind;
  return deploymentIntent(deploymentId, what);
}

/** Every sentence Readiness says to a user about deployments and rollbacks. */
export const deploymentMessages = {
  planning: (service: string, environment: string) =>
    `:clipboard: Planning a deployment of *${escapeText(service)}* to *${escapeText(environment)}*…`,
  planAnswer(result: PlanDeploymentResult, who: NameRole): string {
    if (result.ok) {
      return result.created
        ? `:clipboard: The plan is in the thread of the assessment it relies on. Nothing runs until someone clicks *Start*.`
        : 'That command was already handled; its plan is in the thread.';
    }
    switch (result.reason) {
      case 'no_assessment':
        return 'There is no completed assessment of it yet, so there is no GO to deploy on. Run `/readiness run <service> <environment>` first.';
      case 'not_go':
        return `The newest assessment says ${escapeText((result.verdict ?? 'no verdict').replaceAll('_', ' '))}, not GO. Fix the blockers and assess again, or ask the override role.`;
      case 'signoff_missing':
        return result.status === 'NONE'
          ? 'This environment needs sign-off, and the newest assessment has none yet. Click *Request sign-off* on it.'
          : `This environment needs sign-off, and the newest assessment's request is ${result.status.toLowerCase()}, not a GO decision.`;
      case 'decision_too_old':
        return `The GO decision is from ${utc(result.decidedAt)}, older than this environment allows (${formatDuration(result.maxAgeMs)}). Assess again for a fresh one.`;
      case 'unknown_template':
        return `There is no template \`${escapeText(result.template)}\`. Templates: ${result.known.map((name) => `\`${name}\``).join(', ')}.`;
      case 'plan_invalid':
        return `The plan cannot be built:\n${result.problems.map((problem) => `• ${escapeText(truncate(problem, 300))}`).join('\n')}`;
      case 'locked':
        return `Another deployment holds this environment: ${lockText(result.lock)}. One at a time; wait for it to finish or roll it back.`;
      case 'not_deployer':
        return `Only members of *${escapeText(result.role)}* may deploy here: ${who(result.role)}.`;
      case 'no_thread':
        return 'The assessment this would rely on has no Slack message, so there is no thread to run the deployment in. Assess again.';
      case 'approved_own_release':
        return ownApprovalSentence(result.role);
      case 'overrode_own_release':
        return ownOverrideSentence;
      case 'no_deployer_role':
        return noDeployerSentence(result.environment);
    }
  },
  /** Why Start found the GO no longer standing; shown with a "Run a new assessment" button. */
  startRefused(refusal: StartRefusal): string {
    const newestLine = (newest: { id: string; requestedBy: string; verdict: string | null }) =>
      `\`${newest.id.slice(0, 8)}\` by ${mentionUser(newest.requestedBy)} (${escapeText((newest.verdict ?? 'no verdict').replaceAll('_', ' '))})`;
    switch (refusal.reason) {
      case 'plan_expired':
        return `Not started: this plan expired at ${utc(refusal.expiredAt)}. Plan again with \`/readiness deploy\` once a fresh GO stands.`;
      case 'superseded':
        return `Not started: a newer assessment ${newestLine(refusal.newest)} completed after this plan was made, so this plan's GO is no longer the one that counts. Plan again with \`/readiness deploy\`.`;
      case 'no_longer_go': {
        const newest = refusal.newest ? ` The newest assessment is ${newestLine(refusal.newest)}.` : '';
        const gate = refusal.gate;
        const why =
          gate.reason === 'decision_too_old'
            ? `the GO is from ${utc(gate.decidedAt)}, older than this environment's freshness window (${formatDuration(gate.maxAgeMs)})`
            : gate.reason === 'signoff_missing'
              ? gate.status === 'NONE'
                ? 'the newest assessment has no sign-off decision'
                : `its sign-off request is ${gate.status.toLowerCase()}, not a GO decision`
              : gate.reason === 'not_go'
                ? `the newest assessment says ${escapeText((gate.verdict ?? 'no verdict').replaceAll('_', ' '))}, not GO`
                : 'there is no completed assessment';
        return `Not started: the GO no longer stands — ${why}.${newest}`;
      }
      case 'approved_own_release':
        return ownApprovalSentence(refusal.role);
      case 'overrode_own_release':
        return ownOverrideSentence;
      case 'no_deployer_role':
        return noDeployerSentence(refusal.environment);
      case 'gate_changed':
        return 'Not started: the assessment or its sign-off changed while starting. Look at the thread and try again.';
    }
  },
  controlRefused(result: Exclude<ControlResult, { ok: true }> | { ok: false; reason: 'not_gate_member'; role: string }, who: NameRole): string {
    switch (result.reason) {
      case 'not_found':
        return 'That deployment no longer exists. Nothing changed.';
      case 'not_deployer':
        return `Only members of *${escapeText(result.role)}* may do that: ${who(result.role)}. Nothing changed.`;
      case 'not_gate_member':
        return `Only members of *${escapeText(result.role)}* may pass this gate: ${who(result.role)}. Nothing changed.`;
      case 'locked':
        return `Another deployment holds this environment: ${lockText(result.lock)}. Nothing started.`;
      case 'wrong_state':
        return `The deployment is ${result.status.toLowerCase().replaceAll('_', ' ')} now, so *${result.action}* does not apply. Nothing changed.`;
      case 'start_refused':
        return deploymentMessages.startRefused(result.refusal);
    }
  },
  /**
   * The ephemeral answer to a refused Start: the reason, and a button that runs a new assessment of the same
   * service and environment (a plan's only way back to a GO).
   */
  startRefusedResponse(result: { service: string; environment: string; refusal: StartRefusal }) {
    const text = deploymentMessages.startRefused(result.refusal);
    if (
      result.refusal.reason === 'approved_own_release' ||
      result.refusal.reason === 'overrode_own_release' ||
      result.refusal.reason === 'no_deployer_role'
    )
      return { text };
    return {
      text,
      blocks: [
        { type: 'section', block_id: ids.blocks.startRefused, text: { type: 'mrkdwn', text: truncate(text, 3000) } },
        {
          type: 'actions',
          block_id: ids.blocks.startRefusedActions,
          elements: [button(ids.actions.runAssessment, 'Run a new assessment', `${result.service}/${result.environment}`, 'primary')],
        },
      ],
    };
  },
  /** A line in the release thread about what just happened to the deployment. */
  announcement(deployment: DeploymentView, announcement: DeploymentAnnouncement): string {
    switch (announcement.kind) {
      case 'aborted':
        return `:octagonal_sign: Deployment aborted by ${mentionUser(announcement.by)} during phase ${announcement.phaseIndex + 1}. Tasks already running finish; nothing further starts. Roll back with the button or \`/readiness rollback\` if needed.`;
      case 'failed': {
        const where = announcement.phaseName === undefined ? '' : ` in phase ${announcement.phaseName}`;
        return `:x: *Deployment failed*${escapeText(where)}: ${escapeText(announcement.reason)}. Roll back with the button or \`/readiness rollback\`.`;
      }
      case 'succeeded':
        return `:white_check_mark: *Deployed* ${escapeText(deployment.service)} ${escapeText(deployment.version ?? '')} to ${escapeText(deployment.environment)}.`;
      case 'paused_after_outage':
        return `:double_vertical_bar: *Paused by Readiness*: ${escapeText(announcement.cause)}, longer than it keeps a deployment going unwatched. Nothing failed and nothing was rolled back; the phase under way finishes and the next one waits. Resume to carry on, or roll back.`;
      case 'rollback_started': {
        const who = announcement.by === 'system' ? 'automatically' : `by ${mentionUser(announcement.by)}`;
        return `:rewind: Rolling back ${who}: ${escapeText(announcement.reason)}`;
      }
      case 'rollback_finished':
        return announcement.ok
          ? `:white_check_mark: Rollback finished: ${escapeText(announcement.message)}.`
          : `:x: *Rollback failed*: ${escapeText(announcement.message)}.`;
    }
  },
  /** A message in the channel itself, for what must not hide in the release thread. */
  alert(deployment: DeploymentView, alert: DeploymentAlert): string {
    switch (alert.kind) {
      case 'rollback_overrun':
        return `:rotating_light: The rollback of *${deployment.service}* in *${deployment.environment}* is still running after ${formatDuration(alert.maxDurationMs)} (its maxDuration). Someone should look now.`;
    }
  },
  /** A manual gate waits: `who` are the mentions of its role's members. */
  gateWaiting: (who: string, taskName: string, prompt: string | undefined) =>
    `:raised_hand: ${who} — the deployment waits for you at *${escapeText(taskName)}*${prompt ? `: ${escapeText(prompt)}` : ''}. Click *Proceed* on the deployment message, or Abort.`,
  rollbackAnswer(result: RollbackRequestResult | { ok: false; reason: 'no_deployment' }, who: NameRole): string {
    if (result.ok) return ':rewind: Rolling back; progress is on the deployment message.';
    switch (result.reason) {
      case 'no_deployment':
        return 'There is no deployment of it to roll back.';
      case 'not_found':
        return 'That deployment no longer exists.';
      case 'nothing_to_roll_back':
        return 'That deployment never started, so there is nothing to roll back.';
      case 'already':
        return `It is already ${result.deployment.status.toLowerCase().replaceAll('_', ' ')}; a rollback runs once. Nothing changed.`;
      case 'not_deployer':
        return `Only members of *${escapeText(result.role)}* may roll back here: ${who(result.role)}.`;
      case 'superseded':
        return `A newer deployment holds this environment (${lockText(result.lock)}); roll that one back instead.`;
    }
  },
};
