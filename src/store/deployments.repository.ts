import { Prisma } from '../generated/prisma/client.ts';
import { redactDeep, redactText } from '../secrets/redact.ts';
import type { DeploymentPlan, PlannedTask } from '../deployments/plan.ts';
import { resumeMode } from '../deployments/pause.ts';
import { ROLLBACKABLE_STATUSES, type DeploymentStatus, type DeploymentView, type Stage, type TaskOutcome } from '../deployments/deployment.types.ts';
import { auditInsert, type AuditEntry } from './audit.repository.ts';
import type { Db } from './prisma.ts';

const withTasks = { tasks: { orderBy: [{ stage: 'asc' }, { phaseIndex: 'asc' }, { taskId: 'asc' }] } } satisfies Prisma.DeploymentInclude;
type Row = Prisma.DeploymentGetPayload<{ include: typeof withTasks }>;
type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

function toView(row: Row): DeploymentView {
  return {
    ...row,
    plan: row.plan as unknown as DeploymentPlan,
    tasks: row.tasks.map((task) => ({
      stage: task.stage as Stage,
      phaseIndex: task.phaseIndex,
      taskId: task.taskId,
      type: task.type,
      status: task.status,
      attempts: task.attempts,
      idempotencyKey: task.idempotencyKey,
      message: task.message,
      evidence: (task.evidence as Record<string, unknown> | null) ?? null,
      startedAt: task.startedAt,
      finishedAt: task.finishedAt,
    })),
  };
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** The key a task's side effects carry: the same on every retry of the same task of the same deployment. */
export const idempotencyKeyFor = (deploymentId: string, stage: Stage, taskId: string) => `${deploymentId}_${stage}_${taskId}`;

function taskRows(deploymentId: string, stage: Stage, phases: readonly { tasks: readonly PlannedTask[] }[]) {
  return phases.flatMap((phase, phaseIndex) =>
    phase.tasks.map((task) => ({
      deploymentId,
      stage,
      phaseIndex,
      taskId: task.id,
      type: task.type,
      idempotencyKey: idempotencyKeyFor(deploymentId, stage, task.id),
    })),
  );
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

/** What must still hold when Start's guarded statement runs (see start). */
export interface StartGuard {
  /** The environment requires sign-off: the plan's assessment needs a GO decision, not only a GO verdict. */
  requiresSignoff: boolean;
  /** The GO must have been given at or after this (now minus the freshness window). */
  decidedAfter: Date;
}

type Guarded = { applied: true; deployment: DeploymentView } | { applied: false; deployment: DeploymentView | undefined };

/** Resume applied: `newJob` when the pause had taken effect and the phase goes on in a job of a new generation. */
export type Resumed = { applied: true; deployment: DeploymentView; newJob: boolean } | { applied: false; deployment: DeploymentView | undefined };

/**
 * Locks the deployment's row for the rest of the transaction. Resume takes it exclusively and the start of a task
 * takes it shared, so Resume's look at which tasks are RUNNING and its choice of generation see every task start
 * before it, and no task of the old generation starts after it (read committed: each later statement sees what
 * committed before the lock was granted).
 */
async function lockDeployment(tx: Tx, id: string, mode: 'update' | 'share'): Promise<{ status: DeploymentStatus; generation: number } | undefined> {
  const rows =
    mode === 'update'
      ? await tx.$queryRaw<
          { status: DeploymentStatus; generation: number }[]
        >`SELECT status::text AS status, generation FROM deployments WHERE id = ${id}::uuid FOR UPDATE`
      : await tx.$queryRaw<
          { status: DeploymentStatus; generation: number }[]
        >`SELECT status::text AS status, generation FROM deployments WHERE id = ${id}::uuid FOR SHARE`;
  return rows[0];
}

/** Deployments, their tasks and the per-environment lock; every change is guarded and audited in one transaction. */
export function createDeploymentRepository(db: Db) {
  const find = async (id: string) => {
    const row = await db.deployment.findUnique({ where: { id }, include: withTasks });
    return row ? toView(row) : undefined;
  };
  const audit = (
    tx: Tx,
    deployment: { id: string; service: string; environment: string },
    change: Pick<AuditEntry, 'before' | 'after'>,
    actor: string,
    action: string,
    reason: string | null = null,
    data: Record<string, unknown> = {},
    dedupeKey?: string,
  ) =>
    tx.auditEvent.create({
      data: auditInsert({
        actor,
        action,
        subjectType: 'deployment',
        subjectId: deployment.id,
        ...change,
        reason,
        data: { service: deployment.service, environment: deployment.environment, ...data },
        ...(dedupeKey === undefined ? {} : { dedupeKey }),
      }),
    });
  /**
   * The audit key of a step a deployment may take more than once (Pause, Resume, a gate): the default key the
   * first time, then numbered. The guarded transition holds the row's lock, so the count cannot race.
   */
  const repeatableKey = async (tx: Tx, id: string, action: string) => {
    const before = await tx.auditEvent.count({ where: { subjectType: 'deployment', subjectId: id, action } });
    return before === 0 ? undefined : `${action}:deployment:${id}:${before + 1}`;
  };
  const releaseLock = (tx: Tx, deployment: { id: string; service: string; environment: string }) =>
    tx.deploymentLock.deleteMany({ where: { service: deployment.service, environment: deployment.environment, deploymentId: deployment.id } });

  /** Moves the deployment from one of `from` to `to` with `data`, audits it, and reports whether it applied. */
  async function transition(
    id: string,
    from: readonly DeploymentStatus[],
    to: DeploymentStatus,
    entry: { actor: string; action: string; reason?: string | null; data?: Record<string, unknown>; repeatable?: boolean },
    extra: Prisma.DeploymentUpdateManyMutationInput = {},
    after?: (tx: Tx, row: Row) => Promise<unknown>,
    guard: Pick<Prisma.DeploymentWhereInput, 'currentPhase' | 'generation' | 'planExpiresAt'> = {},
  ): Promise<Guarded> {
    const applied = await db.$transaction(async (tx) => {
      // Locked first: `from` may name several states, and the audit says which one the deployment was in.
      const locked = await lockDeployment(tx, id, 'update');
      const { count } = await tx.deployment.updateMany({ where: { id, status: { in: [...from] }, ...guard }, data: { status: to, ...extra } });
      if (count === 0) return false;
      const row = await tx.deployment.findUniqueOrThrow({ where: { id }, include: withTasks });
      await audit(
        tx,
        row,
        { before: { status: locked?.status ?? null }, after: { status: to } },
        entry.actor,
        entry.action,
        entry.reason ?? null,
        entry.data,
        entry.repeatable ? await repeatableKey(tx, id, entry.action) : undefined,
      );
      await after?.(tx, row);
      return true;
    });
    const deployment = await find(id);
    return applied && deployment ? { applied: true, deployment } : { applied: false, deployment };
  }

  return {
    find,

    /** The newest completed assessment of the service and environment: the only one a deployment may rely on. */
    async latestCompletedAssessment(service: string, environment: string) {
      return (
        (await db.assessment.findFirst({
          where: { service, environment, status: 'COMPLETED' },
          orderBy: { completedAt: 'desc' },
          select: { id: true, requestedBy: true, verdict: true, completedAt: true, channelId: true, messageTs: true },
        })) ?? undefined
      );
    },

    /** The newest deployment of the service and environment that ever started: what `/readiness rollback` means. */
    async latestStarted(service: string, environment: string): Promise<DeploymentView | undefined> {
      const row = await db.deployment.findFirst({
        where: { service, environment, startedAt: { not: null } },
        orderBy: { startedAt: 'desc' },
        include: withTasks,
      });
      return row ? toView(row) : undefined;
    },

    async findLock(service: string, environment: string): Promise<LockHolder | undefined> {
      return (await db.deploymentLock.findUnique({ where: { service_environment: { service, environment } } })) ?? undefined;
    },

    /** Records a planned deployment once per command (the same trigger_id finds the first). */
    async create(input: NewDeployment): Promise<{ deployment: DeploymentView; created: boolean }> {
      try {
        const row = await db.$transaction(async (tx) => {
          // Redacted: secret references stay as written; literal secrets are restored from the config when a task runs.
          const created = await tx.deployment.create({
            data: { ...input, plan: redactDeep(input.plan) as unknown as Prisma.InputJsonObject },
            include: withTasks,
          });
          await audit(tx, created, { before: null, after: { status: created.status } }, input.requestedBy, 'deployment.planned', null, {
            template: input.template,
            version: input.version,
            assessmentId: input.assessmentId,
          });
          return created;
        });
        return { deployment: toView(row), created: true };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const existing = await db.deployment.findUnique({ where: { requestKey: input.requestKey }, include: withTasks });
        if (!existing) throw error;
        return { deployment: toView(existing), created: false };
      }
    },

    async attachMessage(id: string, messageTs: string): Promise<boolean> {
      const { count } = await db.deployment.updateMany({ where: { id, messageTs: null }, data: { messageTs } });
      return count === 1;
    },

    /**
     * PLANNED -> RUNNING, taking the service+environment lock; a held lock names its holder instead. One guarded
     * statement re-checks what the caller checked: the plan has not expired, its assessment is still the newest
     * completed one, and it is still a fresh GO (its sign-off decision where sign-off is required). A check that
     * no longer holds makes it a no-op (still PLANNED), so a NO-GO committed before it can never be started past.
     */
    async start(
      id: string,
      userId: string,
      at: Date,
      guard: StartGuard,
    ): Promise<Guarded | { applied: false; deployment: DeploymentView | undefined; lockedBy: LockHolder }> {
      const current = await find(id);
      if (current?.status !== 'PLANNED') return { applied: false, deployment: current };
      try {
        const applied = await db.$transaction(async (tx) => {
          const count = await tx.$executeRaw`
            UPDATE deployments d
               SET status = 'RUNNING', started_by = ${userId}, started_at = ${at}, generation = 1, updated_at = ${at}
             WHERE d.id = ${id}::uuid
               AND d.status = 'PLANNED'
               AND d.plan_expires_at > ${at}
               AND d.assessment_id = (
                     SELECT a.id FROM assessments a
                      WHERE a.service = d.service AND a.environment = d.environment AND a.status = 'COMPLETED'
                      ORDER BY a.completed_at DESC LIMIT 1)
               AND CASE WHEN ${guard.requiresSignoff}
                     THEN EXISTS (SELECT 1 FROM signoff_requests r
                                   WHERE r.assessment_id = d.assessment_id AND r.status IN ('APPROVED', 'OVERRIDDEN')
                                     AND r.decision IN ('GO', 'GO_WITH_CAUTION') AND r.decided_at >= ${guard.decidedAfter})
                     ELSE EXISTS (SELECT 1 FROM assessments a
                                   WHERE a.id = d.assessment_id AND a.verdict IN ('GO', 'GO_WITH_CAUTION') AND a.completed_at >= ${guard.decidedAfter})
                   END`;
          if (count === 0) return false;
          const row = await tx.deployment.findUniqueOrThrow({ where: { id }, include: withTasks });
          await audit(tx, row, { before: { status: 'PLANNED' }, after: { status: 'RUNNING' } }, userId, 'deployment.started', null, {
            assessmentId: row.assessmentId,
            goDecidedAfter: guard.decidedAfter.toISOString(),
          });
          await tx.deploymentLock.create({
            data: { service: row.service, environment: row.environment, deploymentId: row.id, holder: userId, since: at },
          });
          await tx.deploymentTask.createMany({ data: taskRows(row.id, 'deploy', current.plan.phases), skipDuplicates: true });
          return true;
        });
        const deployment = await find(id);
        return applied && deployment ? { applied: true, deployment } : { applied: false, deployment };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const lockedBy = await db.deploymentLock.findUnique({
          where: { service_environment: { service: current.service, environment: current.environment } },
        });
        if (!lockedBy) throw error;
        return { applied: false, deployment: await find(id), lockedBy };
      }
    },

    /** PLANNED past its expiry -> CANCELLED with the reason, once; audited as `deployment.expired`. */
    expirePlan: (id: string, reason: string, at: Date) =>
      transition(
        id,
        ['PLANNED'],
        'CANCELLED',
        { actor: 'system', action: 'deployment.expired', reason },
        { finishedAt: at, failureReason: reason },
        // A plan holds no lock; this only makes sure none is left behind.
        (tx, row) => releaseLock(tx, row),
        { planExpiresAt: { lte: at } },
      ),

    /**
     * A refused Start, for the trail: once per deployment, person and reason (a double click or a redelivered
     * click records it once). Nothing about the deployment changes.
     */
    async recordStartRefused(
      deployment: { id: string; service: string; environment: string },
      userId: string,
      reason: string,
      detail: string,
    ): Promise<void> {
      await db.auditEvent.createMany({
        data: [
          auditInsert({
            actor: userId,
            action: 'deployment.start_refused',
            subjectType: 'deployment',
            subjectId: deployment.id,
            reason: detail,
            // A refusal changes nothing: before and after are the same PLANNED deployment.
            before: { status: 'PLANNED' },
            after: { status: 'PLANNED', refusal: reason },
            data: { service: deployment.service, environment: deployment.environment, refusal: reason },
            dedupeKey: `deployment.start_refused:${deployment.id}:${userId}:${reason}`,
          }) as Prisma.AuditEventCreateManyInput,
        ],
        skipDuplicates: true,
      });
    },

    /** PLANNED deployments past their expiry: what the recovery sweep expires when their delayed job was lost. */
    async overduePlans(at: Date, limit = 100): Promise<string[]> {
      const rows = await db.deployment.findMany({
        where: { status: 'PLANNED', planExpiresAt: { lte: at } },
        select: { id: true },
        orderBy: { planExpiresAt: 'asc' },
        take: limit,
      });
      return rows.map((row) => row.id);
    },

    cancel: (id: string, userId: string, at: Date) =>
      transition(id, ['PLANNED'], 'CANCELLED', { actor: userId, action: 'deployment.cancelled' }, { finishedAt: at }),

    pause: (id: string, userId: string) => transition(id, ['RUNNING'], 'PAUSED', { actor: userId, action: 'deployment.paused', repeatable: true }),

    /**
     * PAUSED -> RUNNING. Before the pause took effect (a task of the current phase is RUNNING) it only cancels the
     * pause: same generation, so the job running the phase carries on and completes it. After, a new generation,
     * so the phase job the caller enqueues is a new job. One guarded statement on status, phase and generation, so
     * a phase job completing its phase meanwhile makes this a no-op the caller reports, never a second runner.
     */
    async resume(id: string, userId: string): Promise<Resumed> {
      const newJob = await db.$transaction(async (tx) => {
        if ((await lockDeployment(tx, id, 'update'))?.status !== 'PAUSED') return undefined;
        const seen = await tx.deployment.findUniqueOrThrow({ where: { id }, include: withTasks });
        const mode = resumeMode(toView(seen));
        const { count } = await tx.deployment.updateMany({
          where: { id, status: 'PAUSED', currentPhase: seen.currentPhase, generation: seen.generation },
          data: { status: 'RUNNING', ...(mode === 'new_job' ? { generation: { increment: 1 } } : {}) },
        });
        if (count === 0) return undefined;
        await audit(
          tx,
          seen,
          { before: { status: 'PAUSED' }, after: { status: 'RUNNING' } },
          userId,
          'deployment.resumed',
          null,
          { pauseTookEffect: mode === 'new_job', phase: seen.currentPhase },
          await repeatableKey(tx, id, 'deployment.resumed'),
        );
        return mode === 'new_job';
      });
      const deployment = await find(id);
      return newJob !== undefined && deployment ? { applied: true, deployment, newJob } : { applied: false, deployment };
    },

    abort: (id: string, userId: string, at: Date) =>
      transition(id, ['RUNNING', 'PAUSED'], 'ABORTED', { actor: userId, action: 'deployment.aborted' }, { finishedAt: at }, (tx, row) =>
        releaseLock(tx, row),
      ),

    // Failure reasons carry error text from drivers and task runners: redacted here, where every path stores them.
    fail: (id: string, reason: string, at: Date) =>
      transition(
        id,
        ['RUNNING', 'PAUSED'],
        'FAILED',
        { actor: 'system', action: 'deployment.failed', reason: redactText(reason) },
        { failureReason: redactText(reason), finishedAt: at },
        (tx, row) => releaseLock(tx, row),
      ),

    /**
     * A task starts (or starts again after a crash, with the same idempotency key), only while its stage is live:
     * after an abort, a failure or the start of a rollback, no further deploy task starts, even in the same phase.
     * And only for the run of the deployment's current generation: once Resume or a passed gate handed the phase
     * to a newer job, the older one starts nothing (the row lock orders this against Resume's choice).
     */
    async markTaskRunning(id: string, task: { stage: Stage; taskId: string; generation: number }, at: Date): Promise<boolean> {
      const live: DeploymentStatus[] = task.stage === 'deploy' ? ['RUNNING', 'PAUSED'] : ['ROLLING_BACK'];
      return db.$transaction(async (tx) => {
        const deployment = await lockDeployment(tx, id, 'share');
        if (!deployment || !live.includes(deployment.status) || deployment.generation !== task.generation) return false;
        const { count } = await tx.deploymentTask.updateMany({
          where: { deploymentId: id, stage: task.stage, taskId: task.taskId, status: { in: ['PENDING', 'RUNNING'] } },
          data: { status: 'RUNNING', attempts: { increment: 1 }, startedAt: at },
        });
        return count === 1;
      });
    },

    async recordTask(id: string, stage: Stage, taskId: string, outcome: TaskOutcome, at: Date): Promise<boolean> {
      const { count } = await db.deploymentTask.updateMany({
        where: { deploymentId: id, stage, taskId, status: 'RUNNING' },
        data: {
          status: outcome.status,
          message: redactText(outcome.message),
          evidence: redactDeep(outcome.evidence ?? {}) as Prisma.InputJsonObject,
          finishedAt: outcome.status === 'WAITING' ? null : at,
        },
      });
      return count === 1;
    },

    /** A manual gate passed: WAITING -> SUCCEEDED, and a new generation for the phase job that continues. */
    async passGate(id: string, taskId: string, userId: string, at: Date): Promise<Guarded> {
      const applied = await db.$transaction(async (tx) => {
        const { count } = await tx.deploymentTask.updateMany({
          where: { deploymentId: id, stage: 'deploy', taskId, status: 'WAITING', deployment: { status: { in: ['RUNNING', 'PAUSED'] } } },
          data: { status: 'SUCCEEDED', message: `proceed given by ${userId}`, finishedAt: at },
        });
        if (count === 0) return false;
        const row = await tx.deployment.update({ where: { id }, data: { generation: { increment: 1 } } });
        await audit(
          tx,
          row,
          { before: { gate: taskId, status: 'WAITING' }, after: { gate: taskId, status: 'SUCCEEDED' } },
          userId,
          'deployment.gate_passed',
          null,
          { taskId },
          await repeatableKey(tx, id, 'deployment.gate_passed'),
        );
        return true;
      });
      const deployment = await find(id);
      return applied && deployment ? { applied: true, deployment } : { applied: false, deployment };
    },

    /**
     * The phase is done: the next one becomes current, or the deployment SUCCEEDED and its lock is released. Only
     * for the job of the current phase and generation, in one guarded statement: a job that Resume replaced with a
     * newer generation meanwhile changes nothing (the newer job completes the phase), and neither does a duplicate.
     */
    async completePhase(id: string, phase: { phaseIndex: number; generation: number; isLast: boolean }, at: Date): Promise<Guarded> {
      const guard = { currentPhase: phase.phaseIndex, generation: phase.generation };
      if (phase.isLast) {
        return transition(
          id,
          ['RUNNING'],
          'SUCCEEDED',
          { actor: 'system', action: 'deployment.succeeded' },
          { finishedAt: at, currentPhase: phase.phaseIndex + 1 },
          (tx, row) => releaseLock(tx, row),
          guard,
        );
      }
      const { count } = await db.deployment.updateMany({
        where: { id, status: { in: ['RUNNING', 'PAUSED'] }, ...guard },
        data: { currentPhase: phase.phaseIndex + 1 },
      });
      const deployment = await find(id);
      return count === 1 && deployment ? { applied: true, deployment } : { applied: false, deployment };
    },

    /**
     * Starts the rollback once, whoever asks first (a failed verification, a button, the command). It keeps or
     * takes back the lock; a newer deployment holding it means this one is no longer the one to roll back.
     */
    async startRollback(
      id: string,
      input: { by: string; reason: string; at: Date },
    ): Promise<Guarded | { applied: false; deployment: DeploymentView | undefined; lockedBy: LockHolder }> {
      const current = await find(id);
      if (!current) return { applied: false, deployment: undefined };
      const lock = await db.deploymentLock.findUnique({
        where: { service_environment: { service: current.service, environment: current.environment } },
      });
      if (lock && lock.deploymentId !== id) return { applied: false, deployment: current, lockedBy: lock };
      try {
        return await transition(
          id,
          ROLLBACKABLE_STATUSES,
          'ROLLING_BACK',
          { actor: input.by, action: 'deployment.rollback_started', reason: input.reason },
          { rollbackReason: input.reason, rollbackBy: input.by, rollbackStartedAt: input.at },
          async (tx, row) => {
            await tx.deploymentLock.createMany({
              data: [{ service: row.service, environment: row.environment, deploymentId: row.id, holder: input.by, since: input.at }],
              skipDuplicates: true,
            });
            await tx.deploymentTask.createMany({
              data: taskRows(row.id, 'rollback', [{ tasks: current.plan.rollback.tasks }]),
              skipDuplicates: true,
            });
          },
        );
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return { applied: false, deployment: await find(id) };
      }
    },

    finishRollback: (id: string, outcome: { ok: boolean; message: string }, at: Date) =>
      transition(
        id,
        ['ROLLING_BACK'],
        outcome.ok ? 'ROLLED_BACK' : 'ROLLBACK_FAILED',
        { actor: 'system', action: outcome.ok ? 'deployment.rolled_back' : 'deployment.rollback_failed', reason: redactText(outcome.message) },
        { rollbackFinishedAt: at, finishedAt: at, ...(outcome.ok ? {} : { failureReason: redactText(outcome.message) }) },
        (tx, row) => releaseLock(tx, row),
      ),
  };
}
export type DeploymentRepository = ReturnType<typeof createDeploymentRepository>;
