import { UnrecoverableError, type Job } from 'bullmq';
import { classifyInfrastructureError, infrastructureErrorDetail } from '../src/assessments/infrastructure-error.ts';
import { currentOutage, DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS, extendOutage, infrastructureCause } from '../src/assessments/infrastructure-retry.ts';
import { rollbackOverrun, runRollback, type RollbackRunDeps } from '../src/deployments/rollback.ts';
import { runPhase } from '../src/deployments/run-phase.ts';
import { expirePlan } from '../src/deployments/expire-plan.ts';
import { failDeploymentAfterJobFailure } from '../src/deployments/fail-after-job-failure.ts';
import { DeploymentJobData, parseJobData, PhaseJobData } from './job-data.ts';
import { outageFields, retryNoteOf } from './outage-note.ts';

/**
 * How often a deployment job that throws for a reason other than our database or Redis is tried before it fails for
 * good (its deployment then ends FAILED, see giveUpOnDeploymentJob). @defaultValue 5
 */
export const DEPLOYMENT_ERROR_ATTEMPTS = 5;

/** What failed in the current outage, kept in the job's data beside its RetryNote (see outage-note.ts). */
interface OutageCause {
  infrastructureComponent: 'database' | 'redis';
  infrastructureDetail: string;
}

function outageCauseOf(data: unknown): OutageCause | undefined {
  const note = data as Partial<OutageCause> | null;
  if (note?.infrastructureComponent !== 'database' && note?.infrastructureComponent !== 'redis') return undefined;
  return { infrastructureComponent: note.infrastructureComponent, infrastructureDetail: String(note.infrastructureDetail ?? '') };
}

/**
 * Why a phase job that gets through pauses its deployment: the outage it has been retrying through lasted the window.
 * Only the current run of outage failures counts (see OUTAGE_GAP_MS): an old one the job got past is over, and must
 * not make a blip, minutes of work and another blip look like minutes without a database. Pure.
 */
export function phaseOutageCause(data: unknown, now: number, windowMs: number): string | undefined {
  const outage = currentOutage(retryNoteOf(data).outage, now);
  const cause = outageCauseOf(data);
  const waitedMs = outage ? now - outage.since : 0;
  if (!cause || waitedMs < windowMs) return undefined;
  return infrastructureCause(cause.infrastructureComponent, waitedMs, cause.infrastructureDetail || undefined);
}

/**
 * The deployments queue: phase jobs, the rollback job and the rollback's overrun alarm. Our own database or Redis
 * failing is never the release's fault: such a job retries every few seconds (the infrastructure backoff) for as long
 * as its attempts last (about 15 minutes), and its deployment is neither failed nor rolled back for it. A phase job
 * that gets through after waiting longer than the retry window pauses its deployment with the cause (runPhase); the
 * wait is the current run of outage failures only (OUTAGE_GAP_MS), not every outage of the job's life. Any other
 * throw is tried DEPLOYMENT_ERROR_ATTEMPTS times, counted in the job's data apart from outage retries, then fails.
 */
export function deploymentProcessor(deps: RollbackRunDeps, options: { infrastructureRetryWindowMs?: number | undefined } = {}) {
  const windowMs = options.infrastructureRetryWindowMs ?? DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS;
  const run = (job: Job) => {
    switch (job.name) {
      case 'phase': {
        const outageCause = phaseOutageCause(job.data, Date.now(), windowMs);
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
      const note = retryNoteOf(job.data);
      // Best effort (with Redis itself down this fails too): BullMQ's attempts stay the ceiling either way.
      const remember = (fields: object) => job.updateData({ ...(job.data as object), ...fields }).catch(() => undefined);
      if (component === 'internal') {
        // Counted apart from outage retries (not job.attemptsMade): a database blip must not spend this budget.
        const errorAttempts = note.errorAttempts + 1;
        if (errorAttempts >= DEPLOYMENT_ERROR_ATTEMPTS) throw new UnrecoverableError((error as Error).message);
        await remember({ errorAttempts });
        throw error;
      }
      const now = Date.now();
      const ongoing = currentOutage(note.outage, now);
      const outage = extendOutage(note.outage, now);
      // A new outage names what failed now; one that goes on keeps what failed first.
      const cause: OutageCause = (ongoing && outageCauseOf(job.data)) || {
        infrastructureComponent: component,
        infrastructureDetail: infrastructureErrorDetail(error),
      };
      await remember({ ...outageFields(outage), ...cause });
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
