import type { LockHolder } from './deployment.ports.ts';
import type { DeploymentView } from './deployment.types.ts';
import { deployPolicyFor } from './deploy-policy.ts';
import { deployerCheck, type DeploymentDeps } from './plan-deployment.ts';
import { runTasks, type TaskRunner } from './run-tasks.ts';

export type RollbackRequestResult =
  | { ok: true; deployment: DeploymentView }
  | { ok: false; reason: 'not_found' | 'nothing_to_roll_back' }
  | { ok: false; reason: 'already'; deployment: DeploymentView }
  | { ok: false; reason: 'not_deployer'; role: string }
  | { ok: false; reason: 'superseded'; lock: LockHolder };

/**
 * Starts the rollback exactly once: a failed verification, a click and the command may all ask at the same
 * moment; the guarded transition lets one through and the others are told it is already rolling back.
 */
export async function requestRollback(
  deps: DeploymentDeps,
  input: { deploymentId: string; by: string; reason: string; checkRole: boolean },
): Promise<RollbackRequestResult> {
  const current = await deps.deployments.find(input.deploymentId);
  if (!current) return { ok: false, reason: 'not_found' };
  if (input.checkRole) {
    const deployer = await deployerCheck(deps, deployPolicyFor(deps.config, current.service, current.environment), input.by);
    if (!deployer.ok) return deployer;
  }
  if (current.status === 'PLANNED' || current.status === 'CANCELLED') return { ok: false, reason: 'nothing_to_roll_back' };
  const started = await deps.deployments.startRollback(current.id, { by: input.by, reason: input.reason, at: deps.now() });
  if (!started.applied) {
    if ('lockedBy' in started) return { ok: false, reason: 'superseded', lock: started.lockedBy };
    return { ok: false, reason: 'already', deployment: started.deployment ?? current };
  }
  const { deployment } = started;
  // The rollback job announces the rollback (see runRollback): it runs once ROLLING_BACK is committed whoever asked
  // and whatever died since, so the announcement is neither lost to a crash here nor posted twice.
  await deps.effects.enqueueRollback(deployment);
  await deps.effects.publish(deployment);
  return { ok: true, deployment };
}

/** `/readiness rollback <service> <env>`: rolls back the newest deployment that started there, for the person who asked. */
export async function rollbackLatestDeployment(
  deps: DeploymentDeps,
  input: { service: string; environment: string; by: string; reason: string },
): Promise<RollbackRequestResult | { ok: false; reason: 'no_deployment' }> {
  const latest = await deps.deployments.latestStarted(input.service, input.environment);
  if (!latest) return { ok: false, reason: 'no_deployment' };
  return requestRollback(deps, { deploymentId: latest.id, by: input.by, reason: input.reason, checkRole: true });
}

export interface RollbackRunDeps extends DeploymentDeps {
  runTask: TaskRunner;
  /** Re-runs readiness checks after the rollback; returns the ids that did not pass, with why. */
  verifyChecks(deployment: DeploymentView, checkIds: readonly string[]): Promise<{ checkId: string; message: string }[]>;
}

/** The rollback job: its tasks (same idempotency keys on every retry), then the verification checks. */
export async function runRollback(deps: RollbackRunDeps, deploymentId: string): Promise<'not_rolling_back' | 'rolled_back' | 'rollback_failed'> {
  const deployment = await deps.deployments.find(deploymentId);
  // A retry of a job that finished the rollback but died before telling anyone: tell them now (announce and the
  // incident are idempotent, so a job that did tell them adds nothing).
  if (deployment && (deployment.status === 'ROLLED_BACK' || deployment.status === 'ROLLBACK_FAILED') && deployment.rollbackStartedAt !== null) {
    const ok = deployment.status === 'ROLLED_BACK';
    await tellRollbackFinished(deps, deployment, {
      ok,
      message: ok ? rolledBackMessage(deployment) : (deployment.failureReason ?? 'rollback failed'),
    });
    return 'not_rolling_back';
  }
  if (deployment?.status !== 'ROLLING_BACK') return 'not_rolling_back';
  const { plan } = deployment;
  // Said by the job rather than by whoever asked: every attempt says it, and the announcement is idempotent.
  await deps.effects.announce(deployment, {
    kind: 'rollback_started',
    by: deployment.rollbackBy ?? 'system',
    reason: deployment.rollbackReason ?? 'unknown reason',
  });
  const signal = AbortSignal.timeout(plan.rollback.maxDurationMs * 2);
  const { failed, waiting } = await runTasks(deps, { deployment, stage: 'rollback', phaseIndex: 0, tasks: plan.rollback.tasks, signal });
  let outcome: { ok: boolean; message: string };
  if (failed.length > 0 || waiting.length > 0) {
    const broken = [...failed, ...waiting.map((taskId) => ({ taskId, message: 'a rollback cannot wait for a person' }))];
    outcome = { ok: false, message: `rollback task ${broken.map((task) => `${task.taskId} (${task.message})`).join(', ')} failed` };
  } else {
    const unhealthy = await deps.verifyChecks(deployment, plan.rollback.verify);
    outcome =
      unhealthy.length > 0
        ? { ok: false, message: `after the rollback, ${unhealthy.map((check) => `${check.checkId}: ${check.message}`).join('; ')}` }
        : { ok: true, message: rolledBackMessage(deployment) };
  }
  const finished = await deps.deployments.finishRollback(deployment.id, outcome, deps.now());
  if (!finished.applied) return 'not_rolling_back';
  await tellRollbackFinished(deps, finished.deployment, outcome);
  return outcome.ok ? 'rolled_back' : 'rollback_failed';
}

const rolledBackMessage = (deployment: DeploymentView) =>
  deployment.plan.rollback.verify.length > 0 ? `rolled back; ${deployment.plan.rollback.verify.join(', ')} pass again` : 'rolled back';

/** The thread, the message and the incident after a finished rollback; each is idempotent, so a retry may repeat it. */
async function tellRollbackFinished(deps: DeploymentDeps, done: DeploymentView, outcome: { ok: boolean; message: string }): Promise<void> {
  await deps.effects.announce(done, { kind: 'rollback_finished', ok: outcome.ok, message: outcome.message });
  await deps.effects.publish(done);
  await deps.effects.openIncident(done, {
    cause: outcome.ok ? 'rollback' : 'rollback-failed',
    severity: outcome.ok ? 'SEV3' : 'SEV1',
    summary: `${outcome.ok ? 'Rolled back' : 'Rollback FAILED'} after: ${done.rollbackReason ?? 'unknown reason'}. ${outcome.message}.`,
    evidence: { deploymentId: done.id, rollbackReason: done.rollbackReason, outcome: outcome.message },
  });
}

/** The alarm for a rollback still running at `maxDuration`. */
export async function rollbackOverrun(deps: DeploymentDeps, deploymentId: string): Promise<boolean> {
  const deployment = await deps.deployments.find(deploymentId);
  if (deployment?.status !== 'ROLLING_BACK') return false;
  await deps.effects.alertChannel(deployment, { kind: 'rollback_overrun', maxDurationMs: deployment.plan.rollback.maxDurationMs });
  return true;
}
