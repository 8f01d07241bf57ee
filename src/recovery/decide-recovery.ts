import { workJobIds } from './work-job-ids.ts';

/**
 * How long work must sit unchanged before the sweep looks at it, and how long a job must have been finished
 * before the sweep acts on it: long enough that a command between its commit and its enqueue, or a worker
 * between finishing a job and recording what follows, is never mistaken for a crash.
 * @defaultValue 30000
 */
export const RECOVERY_GRACE_MS = 30_000;

/** An assessment the database says is in progress (QUEUED or RUNNING), as the recovery query returns it. */
export interface AssessmentCandidate {
  id: string;
  status: 'QUEUED' | 'RUNNING';
  updatedAt: Date;
  checks: readonly { checkId: string; type: string; status: string }[];
}

/** A deployment the database says is moving (RUNNING or ROLLING_BACK), as the recovery query returns it. */
export interface DeploymentCandidate {
  id: string;
  status: 'RUNNING' | 'ROLLING_BACK';
  updatedAt: Date;
  currentPhase: number;
  generation: number;
  /** Phases in its plan; 0 when the stored plan cannot be read. */
  phaseCount: number;
  rollbackStartedAt: Date | null;
  rollbackMaxDurationMs: number;
  tasks: readonly { stage: string; phaseIndex: number; taskId: string; status: string }[];
}

export interface RecoveryCandidates {
  assessments: readonly AssessmentCandidate[];
  deployments: readonly DeploymentCandidate[];
}

/** Work in progress and the one job (by its deterministic id) that must exist for it to move on. */
export type RecoveryTarget =
  | { kind: 'assessment'; subjectId: string; jobId: string; checkIds: string[] }
  | { kind: 'phase'; subjectId: string; jobId: string; phaseIndex: number; generation: number }
  | { kind: 'rollback'; subjectId: string; jobId: string /** When its overrun alarm is due, from now. */; deadlineInMs: number };

export type JobState = 'waiting' | 'active' | 'delayed' | 'prioritized' | 'waiting-children' | 'completed' | 'failed' | 'unknown';

/** What BullMQ knows of a job: `unknown` when it does not exist (never added, lost, or removed by retention). */
export interface JobSnapshot {
  state: JobState;
  finishedAt: Date | null;
  failedReason: string | null;
}

/**
 * requeue: the job does not exist, add it under the same id. rerun: it completed, yet the work did not move on;
 * run it again (it resumes where the database says). give_up: it failed for good and nothing ended the work;
 * end it as the worker would have.
 */
export type RecoveryDecision =
  | { action: 'requeue'; target: RecoveryTarget }
  | { action: 'rerun'; target: RecoveryTarget }
  | { action: 'give_up'; target: RecoveryTarget; reason: string }
  | { action: 'none'; target: RecoveryTarget; why: 'live' | 'just_finished' };

const LIVE: readonly JobState[] = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'];

const settled = (updatedAt: Date, now: Date, graceMs: number) => now.getTime() - updatedAt.getTime() >= graceMs;

/**
 * The work that must have a job, with the job's id. Not here: work that changed within the grace period (its
 * enqueue may be in flight), and a deployment whose current phase waits at a manual gate (it waits for a person,
 * and Proceed enqueues the next job itself). PLANNED and PAUSED deployments are never candidates for the same reason.
 */
export function recoveryTargets(candidates: RecoveryCandidates, now: Date, graceMs = RECOVERY_GRACE_MS): RecoveryTarget[] {
  const targets: RecoveryTarget[] = [];
  for (const assessment of candidates.assessments) {
    if (!settled(assessment.updatedAt, now, graceMs)) continue;
    // The flow's children as startAssessment enqueues them: automated checks still waiting for a result.
    // Manual checks wait for a person; SKIPPED and finished checks need no job.
    const checkIds = assessment.checks.filter((check) => check.type !== 'manual' && check.status === 'PENDING').map((check) => check.checkId);
    targets.push({ kind: 'assessment', subjectId: assessment.id, jobId: workJobIds.assessment(assessment.id), checkIds });
  }
  for (const deployment of candidates.deployments) {
    if (!settled(deployment.updatedAt, now, graceMs)) continue;
    if (deployment.status === 'ROLLING_BACK') {
      const startedAt = (deployment.rollbackStartedAt ?? deployment.updatedAt).getTime();
      const deadlineInMs = Math.max(0, startedAt + deployment.rollbackMaxDurationMs - now.getTime());
      targets.push({ kind: 'rollback', subjectId: deployment.id, jobId: workJobIds.rollback(deployment.id), deadlineInMs });
      continue;
    }
    const { currentPhase: phaseIndex, generation } = deployment;
    if (phaseIndex < 0 || phaseIndex >= deployment.phaseCount) continue;
    const atGate = deployment.tasks.some((task) => task.stage === 'deploy' && task.phaseIndex === phaseIndex && task.status === 'WAITING');
    if (atGate) continue;
    targets.push({
      kind: 'phase',
      subjectId: deployment.id,
      jobId: workJobIds.deploymentPhase(deployment.id, phaseIndex, generation),
      phaseIndex,
      generation,
    });
  }
  return targets;
}

/**
 * What to do about one target, given its job. A job that is waiting, active, delayed or waiting for children is
 * left alone (an active job whose worker died is BullMQ's to recover, as a stalled job). A finished job is only
 * acted on once it has been finished for the grace period, so the worker that finished it has had time to
 * record what follows (or, for a failure, to end the work itself).
 */
export function decideRecovery(target: RecoveryTarget, job: JobSnapshot, now: Date, graceMs = RECOVERY_GRACE_MS): RecoveryDecision {
  if (job.state === 'unknown') return { action: 'requeue', target };
  if (LIVE.includes(job.state)) return { action: 'none', target, why: 'live' };
  if (job.finishedAt === null || now.getTime() - job.finishedAt.getTime() < graceMs) return { action: 'none', target, why: 'just_finished' };
  if (job.state === 'completed') return { action: 'rerun', target };
  return { action: 'give_up', target, reason: job.failedReason || 'no reason was recorded' };
}
