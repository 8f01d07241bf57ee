import type { LockHolder } from './deployment.ports.ts';
import { deployPolicyFor } from './deploy-policy.ts';
import { deployerCheck, type DeploymentDeps } from './plan-deployment.ts';
import type { DeploymentStatus, DeploymentView } from './deployment.types.ts';
import { startDeployment, type StartRefusal } from './start-deployment.ts';

export type ControlAction = 'start' | 'cancel' | 'pause' | 'resume' | 'abort';

export type ControlResult =
  | { ok: true; deployment: DeploymentView }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_deployer'; role: string }
  | { ok: false; reason: 'wrong_state'; status: DeploymentStatus; action: ControlAction }
  | { ok: false; reason: 'locked'; lock: LockHolder }
  | { ok: false; reason: 'start_refused'; service: string; environment: string; refusal: StartRefusal };

/**
 * The deployment message's buttons. Each is one guarded transition, so a double click or two people clicking
 * at once applies it once; the loser is told the state it found.
 */
export async function controlDeployment(
  deps: DeploymentDeps,
  input: {
    deploymentId: string;
    action: ControlAction;
    userId: string;
    /** The inbox replays this click: the bot that acknowledged it died before finishing it. */
    replay?: boolean | undefined;
  },
): Promise<ControlResult> {
  const current = await deps.deployments.find(input.deploymentId);
  if (!current) return { ok: false, reason: 'not_found' };
  const deployer = await deployerCheck(deps, deployPolicyFor(deps.config, current.service, current.environment), input.userId);
  if (!deployer.ok) return deployer;
  if (input.action === 'start') return startDeployment(deps, current.id, input.userId);
  const at = deps.now();
  const { deployments } = deps;
  const result =
    input.action === 'cancel'
      ? await deployments.cancel(current.id, input.userId, at)
      : input.action === 'pause'
        ? await deployments.pause(current.id, input.userId)
        : input.action === 'resume'
          ? await deployments.resume(current.id, input.userId)
          : await deployments.abort(current.id, input.userId, at);
  if (!result.applied) {
    if (input.action === 'abort' && input.replay === true && result.deployment?.status === 'ABORTED') {
      const owed = await announceOwedAbort(deps, result.deployment, input.userId);
      if (owed) return { ok: true, deployment: result.deployment };
    }
    return { ok: false, reason: 'wrong_state', status: result.deployment?.status ?? current.status, action: input.action };
  }
  const { deployment } = result;
  // A Resume that only cancelled a pause not yet in effect adds no job: the phase's own job is still running it.
  const newJob = input.action === 'resume' && 'newJob' in result && result.newJob;
  if (newJob) await deps.effects.enqueuePhase(deployment.id, deployment.currentPhase, deployment.generation);
  if (input.action === 'abort') await deps.effects.announce(deployment, { kind: 'aborted', by: input.userId, phaseIndex: deployment.currentPhase });
  await deps.effects.publish(deployment);
  return { ok: true, deployment };
}

/**
 * A replayed Abort that finds the deployment ABORTED by this same person: its first run committed the abort and may
 * have died before the release thread was told. Announce it now; the post looks for the line first, so when it was
 * made this adds nothing. Only a replay does this: the replayed run is dead, while the first run of a double click
 * that lost may still be posting, and a look-up before a post cannot exclude a post made at the same moment.
 */
async function announceOwedAbort(deps: DeploymentDeps, deployment: DeploymentView, userId: string): Promise<boolean> {
  const aborted = await deps.deployments.lastAudited(deployment.id, 'deployment.aborted');
  if (aborted?.actor !== userId) return false;
  await deps.effects.announce(deployment, { kind: 'aborted', by: userId, phaseIndex: deployment.currentPhase });
  await deps.effects.publish(deployment);
  return true;
}

/** The role a manual gate of the deployment's plan names, or undefined when there is no such gate. */
function gateRole(deployment: DeploymentView | undefined, taskId: string): string | undefined {
  const task = deployment?.plan.phases.flatMap((phase) => phase.tasks).find((candidate) => candidate.id === taskId);
  return task?.spec.type === 'manual-gate' ? task.spec.role : undefined;
}

/** Proceed on a manual gate: only its role; the phase continues in a new job. */
export async function passGate(
  deps: DeploymentDeps,
  input: { deploymentId: string; taskId: string; userId: string },
): Promise<ControlResult | { ok: false; reason: 'not_gate_member'; role: string }> {
  const role = gateRole(await deps.deployments.find(input.deploymentId), input.taskId);
  if (role === undefined) return { ok: false, reason: 'not_found' };
  if (!(await deps.roles.isMember(role, input.userId)).member) return { ok: false, reason: 'not_gate_member', role };
  const passed = await deps.deployments.passGate(input.deploymentId, input.taskId, input.userId, deps.now());
  if (!passed.applied) {
    if (!passed.deployment) return { ok: false, reason: 'not_found' };
    return { ok: false, reason: 'wrong_state', status: passed.deployment.status, action: 'resume' };
  }
  const { deployment } = passed;
  if (deployment.status === 'RUNNING') await deps.effects.enqueuePhase(deployment.id, deployment.currentPhase, deployment.generation);
  await deps.effects.publish(deployment);
  return { ok: true, deployment };
}
