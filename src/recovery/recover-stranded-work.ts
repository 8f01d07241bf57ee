import { errorFields, type Logger } from '../shared/logger.ts';
import type { RecoveryJobs, RecoveryRepository } from './recovery.ports.ts';
import { decideRecovery, RECOVERY_GRACE_MS, recoveryTargets, type RecoveryDecision, type RecoveryTarget } from './decide-recovery.ts';

/** Adds a target's job again under its deterministic id (a no-op in BullMQ when it exists after all). */
export interface RecoveryRequeue {
  assessment(assessmentId: string, checkIds: readonly string[]): Promise<void>;
  phase(deploymentId: string, phaseIndex: number, generation: number): Promise<void>;
  /** The rollback job and its overrun alarm, due `deadlineInMs` from now. */
  rollback(deploymentId: string, deadlineInMs: number): Promise<void>;
}

/** Ends work whose job failed for good, as the worker would have had it lived to see the failure. */
export interface RecoveryGiveUp {
  /** The assessment ends FAILED with the reason, and its message shows it. */
  assessment(assessmentId: string, reason: string): Promise<void>;
  /** The deployment ends FAILED (a phase job) or ROLLBACK_FAILED (the rollback job), its lock released, people told. */
  deployment(jobName: 'phase' | 'rollback', deploymentId: string, reason: string): Promise<void>;
}

export interface StrandedWorkDeps {
  recovery: Pick<RecoveryRepository, 'candidates' | 'record' | 'recorded'>;
  jobs: RecoveryJobs;
  requeue: RecoveryRequeue;
  giveUp: RecoveryGiveUp;
  now: () => Date;
  logger: Logger;
  /** See RECOVERY_GRACE_MS. @defaultValue 30000 */
  graceMs?: number | undefined;
}

export interface RecoveryReport {
  /** Work that should have had a job and was old enough to look at. */
  inspected: number;
  requeued: number;
  rerun: number;
  gaveUp: number;
  /** Targets whose recovery threw; the next sweep tries them again. */
  errors: number;
}

const AUDIT_ACTION = { requeue: 'recovery.requeued', rerun: 'recovery.rerun', give_up: 'recovery.gave_up' } as const;

/** What the job was left as: the audit's after state. */
const JOB_AFTER = { requeue: 'queued again', rerun: 'run again', give_up: 'work ended' } as const;

const REASON = {
  requeue: 'its job was missing (a process stopped between recording the work and queueing it); queued it again',
  rerun: 'its job had completed but the work had not moved on; ran the job again',
  give_up: (why: string) => `its job failed for good and nothing had ended it: ${why}`,
} as const;

const subjectType = (target: RecoveryTarget) => (target.kind === 'assessment' ? 'assessment' : 'deployment');
const dedupeKey = (action: keyof typeof AUDIT_ACTION, target: RecoveryTarget) => `${AUDIT_ACTION[action]}:${target.jobId}`;

function detailsOf(target: RecoveryTarget): Record<string, unknown> {
  switch (target.kind) {
    case 'assessment':
      return { checks: target.checkIds.length };
    case 'phase':
      return { phaseIndex: target.phaseIndex, generation: target.generation };
    case 'rollback':
      return { deadlineInMs: target.deadlineInMs };
  }
}

async function requeue(deps: StrandedWorkDeps, target: RecoveryTarget): Promise<void> {
  switch (target.kind) {
    case 'assessment':
      return deps.requeue.assessment(target.subjectId, target.checkIds);
    case 'phase':
      return deps.requeue.phase(target.subjectId, target.phaseIndex, target.generation);
    case 'rollback':
      return deps.requeue.rollback(target.subjectId, target.deadlineInMs);
  }
}

/** Carries out one decision; returns whether it changed anything. */
async function act(deps: StrandedWorkDeps, decision: Exclude<RecoveryDecision, { action: 'none' }>, jobState: string): Promise<boolean> {
  const { target } = decision;
  if (decision.action === 'rerun' && (await deps.recovery.recorded(dedupeKey('rerun', target)))) {
    // Re-running did not move it on before; running it every minute would not either.
    deps.logger.error('stranded work is still stuck after its job was re-run once; it needs a person', {
      kind: target.kind,
      subjectId: target.subjectId,
      jobId: target.jobId,
    });
    return false;
  }
  let reason: string;
  if (decision.action === 'requeue') {
    await requeue(deps, target);
    reason = REASON.requeue;
  } else if (decision.action === 'rerun') {
    if (!(await deps.jobs.rerunCompleted(target))) return false;
    reason = REASON.rerun;
  } else {
    if (target.kind === 'assessment') await deps.giveUp.assessment(target.subjectId, `the assessment job failed for good: ${decision.reason}`);
    else await deps.giveUp.deployment(target.kind, target.subjectId, decision.reason);
    reason = REASON.give_up(decision.reason);
  }
  await deps.recovery.record({
    actor: 'system',
    action: AUDIT_ACTION[decision.action],
    subjectType: subjectType(target),
    subjectId: target.subjectId,
    reason,
    before: { job: jobState },
    after: { job: JOB_AFTER[decision.action] },
    data: { job: target.kind, jobId: target.jobId, jobState, ...detailsOf(target) },
    dedupeKey: dedupeKey(decision.action, target),
  });
  deps.logger.info('recovered stranded work', {
    action: decision.action,
    kind: target.kind,
    subjectId: target.subjectId,
    jobId: target.jobId,
    jobState,
  });
  return true;
}

/**
 * Makes Redis agree with the database after a process died between a commit and its enqueue: every assessment and
 * deployment the database says is in progress gets the job that moves it on. Job ids are deterministic, so work
 * whose job exists is left alone, and two workers sweeping at once add each job once. Each recovery is an audit
 * event of "system". Throws only when the candidates cannot be read; a target that fails is logged and retried
 * by the next sweep.
 */
export async function recoverStrandedWork(deps: StrandedWorkDeps): Promise<RecoveryReport> {
  const graceMs = deps.graceMs ?? RECOVERY_GRACE_MS;
  const candidates = await deps.recovery.candidates();
  const targets = recoveryTargets(candidates, deps.now(), graceMs);
  const report: RecoveryReport = { inspected: targets.length, requeued: 0, rerun: 0, gaveUp: 0, errors: 0 };
  for (const target of targets) {
    try {
      const job = await deps.jobs.inspect(target);
      const decision = decideRecovery(target, job, deps.now(), graceMs);
      if (decision.action === 'none') continue;
      if (!(await act(deps, decision, job.state))) continue;
      if (decision.action === 'requeue') report.requeued += 1;
      else if (decision.action === 'rerun') report.rerun += 1;
      else report.gaveUp += 1;
    } catch (error) {
      report.errors += 1;
      deps.logger.warn('could not recover stranded work; the next sweep tries again', {
        kind: target.kind,
        subjectId: target.subjectId,
        jobId: target.jobId,
        ...errorFields(error),
      });
    }
  }
  return report;
}
