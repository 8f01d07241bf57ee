import { UnrecoverableError, type Job } from 'bullmq';
import { rollbackOverrun, runRollback, type RollbackRunDeps } from '../src/deployments/rollback.ts';
import { runPhase } from '../src/deployments/run-phase.ts';
import { expirePlan } from '../src/deployments/expire-plan.ts';
import { redactText } from '../src/secrets/redact.ts';
import { DeploymentJobData, parseJobData, PhaseJobData } from './job-data.ts';

/** The deployments queue: phase jobs, the rollback job and the rollback's overrun alarm. */
export function deploymentProcessor(deps: RollbackRunDeps) {
  return async (job: Job) => {
    switch (job.name) {
      case 'phase':
        return runPhase(deps, parseJobData(PhaseJobData, job.data, 'deployment phase'));
      case 'rollback':
        return runRollback(deps, parseJobData(DeploymentJobData, job.data, 'rollback').deploymentId);
      case 'plan-expiry':
        return expirePlan(deps, parseJobData(DeploymentJobData, job.data, 'plan expiry').deploymentId);
      case 'rollback-deadline':
        return rollbackOverrun(deps, parseJobData(DeploymentJobData, job.data, 'rollback deadline').deploymentId);
      default:
        throw new UnrecoverableError(`unknown deployments job ${job.name}`);
    }
  };
}

/**
 * The job failed for good (every attempt used, or stalled too often): the deployment ends FAILED, or a rollback
 * ROLLBACK_FAILED, so its lock is released and people are told; nothing is left RUNNING forever.
 */
export async function giveUpOnDeploymentJob(deps: RollbackRunDeps, jobName: string, data: unknown, reason: string): Promise<void> {
  const parsed = DeploymentJobData.safeParse(data);
  if (!parsed.success) return;
  // The reason is a worker's error text, announced in Slack as well as stored: redacted like every message.
  const why = redactText(`the ${jobName} job failed for good: ${reason}`);
  if (jobName === 'phase') {
    const failed = await deps.deployments.fail(parsed.data.deploymentId, why, deps.now());
    if (!failed.applied) return;
    await deps.effects.announce(failed.deployment, { kind: 'failed', reason: why });
    await deps.effects.publish(failed.deployment);
    await deps.effects.openIncident(failed.deployment, { cause: 'deployment-failed', severity: 'SEV2', summary: why });
  }
  if (jobName === 'rollback') {
    const finished = await deps.deployments.finishRollback(parsed.data.deploymentId, { ok: false, message: why }, deps.now());
    if (!finished.applied) return;
    await deps.effects.announce(finished.deployment, { kind: 'rollback_finished', ok: false, message: why });
    await deps.effects.publish(finished.deployment);
    await deps.effects.openIncident(finished.deployment, { cause: 'rollback-failed', severity: 'SEV1', summary: why });
  }
}
