import { UnrecoverableError, type Job } from 'bullmq';
import { classifyInfrastructureError, infrastructureErrorDetail } from '../src/assessments/infrastructure-error.ts';
import { DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS, infrastructureCause } from '../src/assessments/infrastructure-retry.ts';
import { rollbackOverrun, runRollback, type RollbackRunDeps } from '../src/deployments/rollback.ts';
import { runPhase } from '../src/deployments/run-phase.ts';
import { expirePlan } from '../src/deployments/expire-plan.ts';
import { failDeploymentAfterJobFailure } from '../src/deployments/fail-after-job-failure.ts';
import { DeploymentJobData, parseJobData, PhaseJobData } from './job-data.ts';

/**
 * How often a deployment job that throws for a reason other than our database or Redis is tried before it fails for
 * good (its deployment then ends FAILED, see giveUpOnDeploymentJob). @defaultValue 5
 */
export const DEPLOYMENT_ERROR_ATTEMPTS = 5;

/** Kept in the job's data, so every worker measures the same outage. */
interface OutageNote {
  infrastructureFailingSince: number;
  infrastructureComponent: 'database' | 'redis';
  infrastructureDetail: string;
}

function outageNoteOf(data: unknown): OutageNote | undefined {
  const note = data as Partial<OutageNote> | null;
  if (typeof note?.infrastructureFailingSince !== 'number') return undefined;
  if (note.infrastructureComponent !== 'database' && note.infrastructureComponent !== 'redis') return undefined;
  return { ...(note as OutageNote), infrastructureDetail: String(note.infrastructureDetail ?? '') };
}

/**
 * The deployments queue: phase jobs, the rollback job and the rollback's overrun alarm. Our own database or Redis
 * failing is never the release's fault: such a job retries every few seconds (the infrastructure backoff) for as long
 * as its attempts last (about 15 minutes), and its deployment is neither failed nor rolled back for it. A phase job
 * that gets through after waiting longer than the retry window pauses its deployment with the cause (runPhase).
 * Any other throw is tried DEPLOYMENT_ERROR_ATTEMPTS times, then fails for good.
 */
export function deploymentProcessor(deps: RollbackRunDeps, options: { infrastructureRetryWindowMs?: number | undefined } = {}) {
  const windowMs = options.infrastructureRetryWindowMs ?? DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS;
  const run = (job: Job) => {
    switch (job.name) {
      case 'phase': {
        const note = outageNoteOf(job.data);
        const waitedMs = note ? Date.now() - note.infrastructureFailingSince : 0;
        const outageCause =
          note && waitedMs >= windowMs
            ? infrastructureCause(note.infrastructureComponent, waitedMs, note.infrastructureDetail || undefined)
            : undefined;
        return runPhase(deps, { ...parseJobData(PhaseJobData, job.data, 'deployment phase'), outageCause });
      }
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
  return async (job: Job) => {
    try {
      return await run(job);
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error;
      const component = classifyInfrastructureError(error);
      if (component === 'internal') {
        if (job.attemptsMade + 1 >= DEPLOYMENT_ERROR_ATTEMPTS) throw new UnrecoverableError((error as Error).message);
        throw error;
      }
      // Best effort: with Redis itself down this fails too, and the outage is measured from a later failure.
      if (!outageNoteOf(job.data)) {
        const note: OutageNote = {
          infrastructureFailingSince: Date.now(),
          infrastructureComponent: component,
          infrastructureDetail: infrastructureErrorDetail(error),
        };
        await job.updateData({ ...(job.data as object), ...note }).catch(() => undefined);
      }
      throw error;
    }
  };
}

/** Whether BullMQ gave up on the job: every attempt used, or an UnrecoverableError. */
export function failedForGood(job: Pick<Job, 'attemptsMade' | 'opts'>, error: Error): boolean {
  return error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** A phase or rollback job BullMQ gave up on: its deployment ends, so its lock is released (see the use case). */
export async function giveUpOnDeploymentJob(deps: RollbackRunDeps, jobName: string, data: unknown, reason: string): Promise<void> {
  const parsed = DeploymentJobData.safeParse(data);
  if (!parsed.success) return;
  await failDeploymentAfterJobFailure(deps, { jobName, deploymentId: parsed.data.deploymentId, reason });
}
