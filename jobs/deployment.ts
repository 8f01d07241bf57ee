import { UnrecoverableError, type Job } from 'bullmq';
import { rollbackOverrun, runRollback, type RollbackRunDeps } from '../src/deployments/rollback.ts';
import { runPhase } from '../src/deployments/run-phase.ts';
import { expirePlan } from '../src/deployments/expire-plan.ts';
import { failDeploymentAfterJobFailure } from '../src/deployments/fail-after-job-failure.ts';
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

/** A phase or rollback job BullMQ gave up on: its deployment ends, so its lock is released (see the use case). */
export async function giveUpOnDeploymentJob(deps: RollbackRunDeps, jobName: string, data: unknown, reason: string): Promise<void> {
  const parsed = DeploymentJobData.safeParse(data);
  if (!parsed.success) return;
  await failDeploymentAfterJobFailure(deps, { jobName, deploymentId: parsed.data.deploymentId, reason });
}
