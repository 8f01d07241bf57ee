import { failAssessmentAfterJobFailure } from '../src/assessments/fail-after-job-failure.ts';
import type { AssessmentRepository, AssessmentScheduler } from '../src/assessments/assessment.ports.ts';
import type { DeploymentServices } from '../src/deployments/deployment-services.ts';
import type { DeploymentScheduler } from '../src/deployments/deployment.ports.ts';
import { failDeploymentAfterJobFailure } from '../src/deployments/fail-after-job-failure.ts';
import type { Queues } from '../src/queue/queues.ts';
import { recoveryJobsFor } from '../src/queue/recovery-jobs.ts';
import type { OwedSignoffDeps } from '../src/approvals/deliver-owed.ts';
import type { StrandedWorkDeps } from '../src/recovery/recover-stranded-work.ts';
import type { RecoveryRepository } from '../src/recovery/recovery.ports.ts';
import { sweepDidSomething, sweepOnce } from '../src/recovery/sweep.ts';
import { errorFields, type Logger } from '../src/shared/logger.ts';
import { repeatWithoutOverlap } from '../src/shared/repeat.ts';
import { rebuildTimers, type TimerJobs } from '../src/recovery/rebuild-timers.ts';

/** How often a worker looks for work a crash left without a job. */
export const RECOVERY_SWEEP_EVERY_MS = 60_000;

export interface RecoverySweepDeps {
  /** Candidates and the audit events of recoveries (`createRecoveryRepository` in src/store). */
  recovery: RecoveryRepository;
  /** `runtime.queues` satisfies it. */
  queues: {
    queues: Pick<Queues['queues'], 'assessments' | 'deployments'>;
    scheduler: Pick<AssessmentScheduler, 'enqueueAssessment' | 'requestRender'>;
    deploymentScheduler: Pick<DeploymentScheduler, 'enqueuePhase' | 'enqueueRollback'>;
  };
  assessments: Pick<AssessmentRepository, 'fail'>;
  /** Ends a deployment whose job failed for good exactly as the deployments worker does (announce, incident). */
  deployments: Pick<DeploymentServices, 'domain'>;
  logger: Logger;
  /**
   * Rebuilds every timer the database holds whose job Redis lost, and re-applies the queues' settings (both
   * idempotent). @defaultValue timers are not rebuilt
   */
  timers?: { jobs: TimerJobs; applyQueueSettings(): Promise<void> } | undefined;
  /**
   * Sign-off messages and notices still owed when nobody touches their request again (deliverOwedSignoffWork).
   * @defaultValue not delivered by the sweep
   */
  signoffs?: OwedSignoffDeps | undefined;
  /** @defaultValue 60000 */
  intervalMs?: number | undefined;
  /** How long work must sit unchanged, and a job be finished, before the sweep acts. @defaultValue 30000 */
  graceMs?: number | undefined;
  /** @defaultValue the system clock */
  now?: (() => Date) | undefined;
}

/** The sweep's use case wired to BullMQ and the recovery repository: exported for tests that run one sweep at a time. */
export function strandedWorkDeps(deps: RecoverySweepDeps): StrandedWorkDeps {
  const { queues } = deps;
  const now = deps.now ?? (() => new Date());
  const assessmentEnd = { assessments: deps.assessments, scheduler: queues.scheduler, now };
  return {
    recovery: deps.recovery,
    jobs: recoveryJobsFor(queues.queues),
    requeue: {
      assessment: (assessmentId, checkIds) => queues.scheduler.enqueueAssessment(assessmentId, checkIds),
      phase: (deploymentId, phaseIndex, generation) => queues.deploymentScheduler.enqueuePhase(deploymentId, phaseIndex, generation),
      rollback: (deploymentId, deadlineInMs) => queues.deploymentScheduler.enqueueRollback(deploymentId, deadlineInMs),
    },
    giveUp: {
      async assessment(assessmentId, reason) {
        await failAssessmentAfterJobFailure(assessmentEnd, assessmentId, reason);
      },
      async deployment(jobName, deploymentId, reason) {
        await failDeploymentAfterJobFailure(deps.deployments.domain, { jobName, deploymentId, reason });
      },
    },
    now,
    logger: deps.logger,
    graceMs: deps.graceMs,
  };
}

/**
 * Recovers work stranded by a process that died between a commit and its enqueue (see sweepOnce): once
 * now, then every `intervalMs` after the previous sweep finished, so sweeps never overlap. A sweep that fails is
 * logged and the next one tries again; nothing is thrown. Safe to run in every worker replica. With `timers`, each
 * sweep first rebuilds lost timers (see rebuildTimers); `runSoon` starts a sweep at once, as after Redis reconnects.
 */
export function startRecoverySweep(deps: RecoverySweepDeps): { stop(): Promise<void>; runSoon(): void } {
  const work = strandedWorkDeps(deps);
  const { timers } = deps;
  return repeatWithoutOverlap(
    async () => {
      const rebuilt = timers ? await rebuildTimers({ ...work, timers: deps.recovery, jobs: timers.jobs, audit: deps.recovery }) : undefined;
      // After the rebuild: the incident sweep's scheduler, once back, re-arms escalations too (without the audit).
      await timers?.applyQueueSettings();
      const report = { ...(await sweepOnce(work, deps.deployments.domain, deps.signoffs)), timersRebuilt: rebuilt?.rebuilt ?? 0 };
      if (sweepDidSomething(report) || report.timersRebuilt > 0) deps.logger.info('recovery sweep finished', { ...report });
      else deps.logger.debug('recovery sweep finished', { ...report });
    },
    deps.intervalMs ?? RECOVERY_SWEEP_EVERY_MS,
    (error) => deps.logger.warn('recovery sweep failed; the next one retries', errorFields(error)),
  );
}
