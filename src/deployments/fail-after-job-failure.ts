import { redactText } from '../secrets/redact.ts';
import type { DeploymentDeps } from './plan-deployment.ts';

export type JobFailureOutcome = 'failed' | 'rollback_failed' | 'unchanged';

type Deps = Pick<DeploymentDeps, 'deployments' | 'effects' | 'now'>;

/**
 * A deployment's job failed for good (every attempt used, stalled too often, or lost with its work stranded):
 * the deployment ends FAILED after a phase job, or ROLLBACK_FAILED after a rollback job, so its lock is released
 * and people are told; nothing is left RUNNING forever. Other jobs (plan expiry, rollback deadline) change nothing,
 * and so does a deployment that has already moved on (the guarded transition decides).
 */
export async function failDeploymentAfterJobFailure(
  deps: Deps,
  input: { jobName: string; deploymentId: string; reason: string },
): Promise<JobFailureOutcome> {
  // The reason is a worker's error text, announced in Slack as well as stored: redacted like every message.
  const why = redactText(`the ${input.jobName} job failed for good: ${input.reason}`);
  if (input.jobName === 'phase') return failRun(deps, input.deploymentId, why);
  if (input.jobName === 'rollback') return failRollback(deps, input.deploymentId, why);
  return 'unchanged';
}

async function failRun(deps: Deps, deploymentId: string, why: string): Promise<JobFailureOutcome> {
  const failed = await deps.deployments.fail(deploymentId, why, deps.now());
  if (!failed.applied) return 'unchanged';
  await deps.effects.announce(failed.deployment, { kind: 'failed', reason: why });
  await deps.effects.publish(failed.deployment);
  await deps.effects.openIncident(failed.deployment, { cause: 'deployment-failed', severity: 'SEV2', summary: why });
  return 'failed';
}

async function failRollback(deps: Deps, deploymentId: string, why: string): Promise<JobFailureOutcome> {
  const finished = await deps.deployments.finishRollback(deploymentId, { ok: false, message: why }, deps.now());
  if (!finished.applied) return 'unchanged';
  await deps.effects.announce(finished.deployment, { kind: 'rollback_finished', ok: false, message: why });
  await deps.effects.publish(finished.deployment);
  await deps.effects.openIncident(finished.deployment, { cause: 'rollback-failed', severity: 'SEV1', summary: why });
  return 'rollback_failed';
}
