import { z } from 'zod';
import type { AssessmentCandidate, DeploymentCandidate, RecoveryCandidates } from '../recovery/decide-recovery.ts';
import { auditInsert, type AuditEntry } from './audit.repository.ts';
import type { Db } from './prisma.ts';

/** What recovery needs of a stored plan; anything else in it is the runner's business. */
const StoredPlan = z.object({ phases: z.array(z.unknown()), rollback: z.object({ maxDurationMs: z.number() }) });

/**
 * Bounds one sweep: the oldest first, so work stranded longest is recovered first and the rest on the next sweep.
 * @defaultValue 500
 */
export const RECOVERY_BATCH = 500;

/** Reads for the recovery sweep, and the audit events it writes. */
export function createRecoveryRepository(db: Db) {
  return {
    /**
     * Work the database says is in progress: assessments QUEUED or RUNNING, deployments RUNNING or ROLLING_BACK
     * (PLANNED and PAUSED wait for a person). Read in one repeatable-read snapshot, so a deployment and its tasks
     * agree (a gate passed between two reads would otherwise look like a phase with no gate and no job).
     */
    async candidates(limit = RECOVERY_BATCH): Promise<RecoveryCandidates> {
      return db.$transaction(
        async (tx) => {
          const assessments = await tx.assessment.findMany({
            where: { status: { in: ['QUEUED', 'RUNNING'] } },
            orderBy: { updatedAt: 'asc' },
            take: limit,
            select: {
              id: true,
              status: true,
              updatedAt: true,
              checks: { select: { checkId: true, type: true, status: true }, orderBy: { checkId: 'asc' } },
            },
          });
          const deployments = await tx.deployment.findMany({
            where: { status: { in: ['RUNNING', 'ROLLING_BACK'] } },
            orderBy: { updatedAt: 'asc' },
            take: limit,
            select: {
              id: true,
              status: true,
              updatedAt: true,
              currentPhase: true,
              generation: true,
              plan: true,
              rollbackStartedAt: true,
              tasks: { select: { stage: true, phaseIndex: true, taskId: true, status: true } },
            },
          });
          return {
            assessments: assessments.map(
              (row): AssessmentCandidate => ({
                id: row.id,
                status: row.status as AssessmentCandidate['status'],
                updatedAt: row.updatedAt,
                checks: row.checks.map((check) => ({ checkId: check.checkId, type: check.type, status: check.status })),
              }),
            ),
            deployments: deployments.map((row): DeploymentCandidate => {
              const plan = StoredPlan.safeParse(row.plan);
              return {
                id: row.id,
                status: row.status as DeploymentCandidate['status'],
                updatedAt: row.updatedAt,
                currentPhase: row.currentPhase,
                generation: row.generation,
                phaseCount: plan.success ? plan.data.phases.length : 0,
                rollbackStartedAt: row.rollbackStartedAt,
                rollbackMaxDurationMs: plan.success ? plan.data.rollback.maxDurationMs : 0,
                tasks: row.tasks.map((task) => ({ stage: task.stage, phaseIndex: task.phaseIndex, taskId: task.taskId, status: task.status })),
              };
            }),
          };
        },
        { isolationLevel: 'RepeatableRead' },
      );
    },

    /** Records a recovery once per dedupe key (replicas sweeping at the same moment record it once); true when this call recorded it. */
    async record(entry: AuditEntry & { dedupeKey: string }): Promise<boolean> {
      const { count } = await db.auditEvent.createMany({ data: [auditInsert(entry)], skipDuplicates: true });
      return count === 1;
    },

    /** Whether a recovery with this dedupe key was recorded before. */
    async recorded(dedupeKey: string): Promise<boolean> {
      return (await db.auditEvent.findUnique({ where: { dedupeKey }, select: { id: true } })) !== null;
    },
  };
}
export type RecoveryRepository = ReturnType<typeof createRecoveryRepository>;
