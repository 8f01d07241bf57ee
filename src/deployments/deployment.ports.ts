import type { LatestAssessment } from './deploy-gate.ts';
import type { DeploymentPlan } from './plan.ts';
import type { DeploymentView, Stage, TaskOutcome } from './deployment.types.ts';

/** Who holds a service+environment: one active deployment at a time. */
/** One audited step of a deployment: who took it, the reason recorded, and its place in the audit trail. */
export interface AuditedStep {
  actor: string;
  reason: string | null;
  /** The audit event's sequence number: tells two occurrences of the same step apart. */
  seq: number;
}

export interface LockHolder {
  deploymentId: string;
  holder: string;
  since: Date;
}

export interface NewDeployment {
  requestKey: string;
  service: string;
  environment: string;
  template: string;
  version: string | null;
  requestedBy: string;
  channelId: string;
  threadTs: string | null;
  assessmentId: string;
  plan: DeploymentPlan;
  planExpiresAt: Date;
}

/** What must still hold when Start's guarded statement runs (see DeploymentRepository.start). */
export interface StartGuard {
  /** The environment requires sign-off: the plan's assessment needs a GO decision, not only a GO verdict. */
  requiresSignoff: boolean;
  /** The GO must have been given at or after this (now minus the freshness window). */
  decidedAfter: Date;
}

/** A guarded transition: applied, or not, with the deployment as it is now (undefined when it does not exist). */
export type Guarded = { applied: true; deployment: DeploymentView } | { applied: false; deployment: DeploymentView | undefined };

/** A transition refused because another deployment holds the service+environment. */
export type LockedOut = { applied: false; deployment: DeploymentView | undefined; lockedBy: LockHolder };

/** Resume applied: `newJob` when the pause had taken effect and the phase goes on in a job of a new generation. */
export type Resumed = { applied: true; deployment: DeploymentView; newJob: boolean } | { applied: false; deployment: DeploymentView | undefined };

/** A deployment's identity as its audit trail names it. */
export type DeploymentSubject = Pick<DeploymentView, 'id' | 'service' | 'environment'>;

/**
 * Deployments, their tasks and the per-environment lock. Every change is one guarded transition (applied once,
 * however many callers race) and audited with it.
 */
export interface DeploymentRepository {
  find(id: string): Promise<DeploymentView | undefined>;
  /** The newest completed assessment of the service and environment: the only one a deployment may rely on. */
  latestCompletedAssessment(service: string, environment: string): Promise<LatestAssessment | undefined>;
  /** The newest deployment of the service and environment that ever started: what `/readiness rollback` means. */
  latestStarted(service: string, environment: string): Promise<DeploymentView | undefined>;
  findLock(service: string, environment: string): Promise<LockHolder | undefined>;
  /**
   * Who took the deployment's latest step of `action` (from its audit trail) and the reason recorded with it: what an
   * announcement owed for that step must name.
   */
  lastAudited(id: string, action: string): Promise<AuditedStep | undefined>;
  /** PLANNED deployments past their expiry: what the recovery sweep expires when their delayed job was lost. */
  overduePlans(at: Date, limit?: number): Promise<string[]>;

  /** Records a planned deployment once per command (the same requestKey finds the first). */
  create(input: NewDeployment): Promise<{ deployment: DeploymentView; created: boolean }>;
  /** Remembers the deployment message's ts, once: false when another process attached one first. */
  attachMessage(id: string, messageTs: string): Promise<boolean>;
  /**
   * PLANNED -> RUNNING, taking the service+environment lock; a held lock names its holder instead. The statement
   * re-checks the guard (plan not expired, its assessment still the newest, still a fresh GO): when that no longer
   * holds it is a no-op and the deployment stays PLANNED.
   */
  start(id: string, userId: string, at: Date, guard: StartGuard): Promise<Guarded | LockedOut>;
  /** PLANNED past its expiry -> CANCELLED with the reason, once; audited as `deployment.expired`. */
  expirePlan(id: string, reason: string, at: Date): Promise<Guarded>;
  /** A refused Start, for the trail: once per deployment, person and reason. Nothing about the deployment changes. */
  recordStartRefused(deployment: DeploymentSubject, userId: string, reason: string, detail: string): Promise<void>;
  cancel(id: string, userId: string, at: Date): Promise<Guarded>;
  /** RUNNING -> PAUSED; takes effect at the phase boundary. `reason` is audited (a pause Readiness made itself). */
  pause(id: string, userId: string, reason?: string): Promise<Guarded>;
  /**
   * PAUSED -> RUNNING: only cancels the pause while a task of the current phase runs (same generation), otherwise
   * continues in a new generation (`newJob`). A phase job completing its phase meanwhile makes it a no-op.
   */
  resume(id: string, userId: string): Promise<Resumed>;
  /** RUNNING or PAUSED -> ABORTED, releasing the lock. */
  abort(id: string, userId: string, at: Date): Promise<Guarded>;
  /** RUNNING or PAUSED -> FAILED with the (redacted) reason, releasing the lock. */
  fail(id: string, reason: string, at: Date): Promise<Guarded>;

  /**
   * A task starts (or starts again after a crash), only while its stage is live and only for the run of the
   * deployment's current generation.
   */
  markTaskRunning(id: string, task: { stage: Stage; taskId: string; generation: number }, at: Date): Promise<boolean>;
  recordTask(id: string, stage: Stage, taskId: string, outcome: TaskOutcome, at: Date): Promise<boolean>;
  /** A manual gate passed: WAITING -> SUCCEEDED, and a new generation for the phase job that continues. */
  passGate(id: string, taskId: string, userId: string, at: Date): Promise<Guarded>;
  /**
   * The phase is done: the next one becomes current, or the deployment SUCCEEDED and its lock is released. Only
   * for the job of the current phase and generation.
   */
  completePhase(id: string, phase: { phaseIndex: number; generation: number; isLast: boolean }, at: Date): Promise<Guarded>;

  /** Starts the rollback once, whoever asks first; a newer deployment holding the lock refuses it. */
  startRollback(id: string, input: { by: string; reason: string; at: Date }): Promise<Guarded | LockedOut>;
  /** ROLLING_BACK -> ROLLED_BACK or ROLLBACK_FAILED, releasing the lock. */
  finishRollback(id: string, outcome: { ok: boolean; message: string }, at: Date): Promise<Guarded>;
}

/** The deployment jobs a change enqueues; implemented by the queue adapter with deterministic job ids. */
export interface DeploymentScheduler {
  requestDeploymentRender(deploymentId: string): Promise<void>;
  enqueuePhase(deploymentId: string, phaseIndex: number, generation: number): Promise<void>;
  /** The rollback job, and the alarm that fires if it is still running after `maxDurationMs`. */
  enqueueRollback(deploymentId: string, maxDurationMs: number): Promise<void>;
  /** Expires the plan at `at` unless it was started first. Idempotent (one job id per deployment). */
  schedulePlanExpiry(deploymentId: string, at: Date): Promise<void>;
}
