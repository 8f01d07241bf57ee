import { phaseJobStart } from './pause.ts';
import { requestRollback, type RollbackRunDeps } from './rollback.ts';
import { runTasks } from './run-tasks.ts';
import type { DeploymentView } from './deployment.types.ts';
import { redactText } from '../secrets/redact.ts';

export type PhaseResult = 'superseded' | 'waiting' | 'next_phase' | 'succeeded' | 'paused' | 'failed' | 'rolling_back';

/**
 * One phase job: runs the phase's tasks, then moves the deployment on — to the next phase, to SUCCEEDED, to a
 * rollback when a verification phase failed and the template says so, or to FAILED. Only the job of the
 * deployment's current phase and generation acts; any other (a stale retry, a duplicate) returns at once, and one
 * that a newer generation overtakes mid-phase can start no further task nor complete the phase (the repository
 * guards both on the generation).
 */
export async function runPhase(
  deps: RollbackRunDeps,
  input: {
    deploymentId: string;
    phaseIndex: number;
    generation: number;
    /**
     * Set when this job waited for our own database or Redis longer than the retry window: the deployment is
     * paused (not failed, not rolled back — the release did nothing wrong) and a person decides. See pauseAfterOutage.
     */
    outageCause?: string | undefined;
  },
): Promise<PhaseResult> {
  const found = await deps.deployments.find(input.deploymentId);
  const deployment = found ? await pauseAfterOutage(deps, found, input, input.outageCause) : found;
  // A retry of this job after it moved the deployment on but died (or threw) before enqueueing what comes next:
  // enqueue it now. Job ids are deterministic, so when it was enqueued after all, this adds nothing.
  if (deployment && deployment.generation === input.generation) {
    if (deployment.status === 'ROLLING_BACK') {
      await deps.effects.enqueueRollback(deployment);
      return 'rolling_back';
    }
    if (deployment.status === 'RUNNING' && deployment.currentPhase === input.phaseIndex + 1) {
      await deps.effects.enqueuePhase(deployment.id, deployment.currentPhase, deployment.generation);
      return 'next_phase';
    }
    // This job ended the deployment and died before telling anyone: tell them now. Announcements are idempotent (one
    // per deployment and kind), so when it did tell them this adds nothing.
    if (deployment.status === 'SUCCEEDED' && input.phaseIndex === deployment.plan.phases.length - 1) {
      await deps.effects.announce(deployment, { kind: 'succeeded' });
      await deps.effects.publish(deployment);
      return 'succeeded';
    }
    if (deployment.status === 'FAILED' && deployment.currentPhase === input.phaseIndex && deployment.failureReason !== null) {
      await tellFailed(deps, deployment, deployment.failureReason, deployment.plan.phases[input.phaseIndex]);
      return 'failed';
    }
  }
  if (!deployment) return 'superseded';
  const start = phaseJobStart(deployment, input);
  if (start !== 'run') return start;
  const phase = deployment.plan.phases[input.phaseIndex];
  if (!phase) return 'superseded';

  const signal = AbortSignal.timeout(phase.timeoutMs);
  const { failed, waiting } = await runTasks(deps, { deployment, stage: 'deploy', phaseIndex: input.phaseIndex, tasks: phase.tasks, signal });
  if (failed.length > 0) {
    // A failed checks or monitor task is a failed verification wherever it stands: it says the release is unhealthy.
    const gateTypes: readonly string[] = ['checks', 'monitor'];
    const verificationFailed =
      phase.verification || failed.some((task) => gateTypes.includes(phase.tasks.find((candidate) => candidate.id === task.taskId)?.type ?? ''));
    const reason = `${verificationFailed ? 'verification failed' : `phase ${phase.name} failed`}: ${failed.map((task) => `${task.taskId} — ${task.message}`).join('; ')}`;
    if (verificationFailed && deployment.plan.autoRollback) {
      const rollback = await requestRollback(deps, { deploymentId: deployment.id, by: 'system', reason, checkRole: false });
      return rollback.ok ? 'rolling_back' : 'superseded';
    }
    const failedDeployment = await deps.deployments.fail(deployment.id, reason, deps.now());
    if (failedDeployment.applied) await tellFailed(deps, failedDeployment.deployment, reason, phase, failed);
    return 'failed';
  }
  // A manual gate waits for a person; Proceed bumps the generation and enqueues this phase again.
  if (waiting.length > 0) return 'waiting';

  const isLast = input.phaseIndex === deployment.plan.phases.length - 1;
  const completed = await deps.deployments.completePhase(
    deployment.id,
    { phaseIndex: input.phaseIndex, generation: input.generation, isLast },
    deps.now(),
  );
  if (!completed.applied || !completed.deployment) return 'superseded';
  const next = completed.deployment;
  if (isLast) {
    await deps.effects.announce(next, { kind: 'succeeded' });
    await deps.effects.publish(next);
    return 'succeeded';
  }
  await deps.effects.publish(next);
  if (next.status === 'PAUSED') return 'paused';
  await deps.effects.enqueuePhase(next.id, next.currentPhase, next.generation);
  return 'next_phase';
}

/**
 * Readiness lost its database or Redis for longer than the retry window while this phase ran. The tasks are
 * idempotent, so carrying on would be safe for the receivers, but nobody (and no check of ours) watched the release for
 * that long: the deployment is paused with the cause, once (a guarded RUNNING -> PAUSED), and the release thread is told
 * why. As with any pause, a phase already under way finishes and the next one waits for Resume (or a rollback).
 */
async function pauseAfterOutage(
  deps: RollbackRunDeps,
  deployment: DeploymentView,
  input: { phaseIndex: number; generation: number },
  cause: string | undefined,
): Promise<DeploymentView> {
  if (deployment.currentPhase !== input.phaseIndex || deployment.generation !== input.generation) return deployment;
  // Owed whether or not this retry still carries the cause: the outage it paused for may be over by now (a Slack
  // error that kept the line from posting retries past OUTAGE_GAP_MS, and the job's outage note is then stale).
  if (deployment.status === 'PAUSED') {
    await announceOwedPause(deps, deployment);
    return deployment;
  }
  if (deployment.status !== 'RUNNING' || cause === undefined) return deployment;
  // The cause carries the driver's error text, audited and shown in Slack: redacted like every failure reason.
  const why = redactText(cause);
  const paused = await deps.deployments.pause(deployment.id, 'system', why);
  if (!paused.applied) return paused.deployment ?? deployment;
  // Said from the pause's audit event: its sequence number tells this pause's line from an earlier one's.
  await announceOwedPause(deps, paused.deployment);
  return paused.deployment;
}

/**
 * A retry of the job that paused the deployment after an outage and then failed to say so (the pause committed, the
 * post did not): when the latest pause is still Readiness's own, announce it with the cause it recorded. Idempotent:
 * the post looks for the line first, and only this phase's job of this generation gets here.
 */
async function announceOwedPause(deps: RollbackRunDeps, deployment: DeploymentView): Promise<void> {
  const paused = await deps.deployments.lastAudited(deployment.id, 'deployment.paused');
  if (paused?.actor !== 'system' || paused.reason === null) return;
  await deps.effects.announce(deployment, { kind: 'paused_after_outage', cause: paused.reason, pause: paused.seq });
  await deps.effects.publish(deployment);
}

/** The thread, the message and the incident after a failed phase; each is idempotent, so a retry may repeat it. */
async function tellFailed(
  deps: RollbackRunDeps,
  deployment: DeploymentView,
  reason: string,
  phase: { id: string; name: string } | undefined,
  failed?: { taskId: string; message: string }[],
): Promise<void> {
  await deps.effects.announce(deployment, { kind: 'failed', reason, ...(phase ? { phaseName: phase.name } : {}) });
  await deps.effects.publish(deployment);
  await deps.effects.openIncident(deployment, {
    cause: 'deployment-failed',
    severity: 'SEV2',
    summary: reason,
    evidence: { deploymentId: deployment.id, ...(phase ? { phase: phase.id } : {}), ...(failed ? { failed } : {}) },
  });
}
