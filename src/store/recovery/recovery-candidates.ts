import { z } from 'zod';
import type { AssessmentCandidate, DeploymentCandidate, RecoveryCandidates } from '../../recovery/decide-recovery.ts';
import type { Db } from '../prisma.ts';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** What recovery needs of a stored plan; anything else in it is the runner's business. */
const StoredPlan = z.object({ phases: z.array(z.unknown()), rollback: z.object({ maxDurationMs: z.number() }) });

/**
 * Bounds one sweep: the oldest first, so work stranded longest is recovered first and the rest on the next sweep.
 * @defaultValue 500
 */
export const RECOVERY_BATCH = 500;

/**
 * Work the database says is in progress: assessments QUEUED or RUNNING, deployments RUNNING or ROLLING_BACK
 * (PLANNED and PAUSED wait for a person). Read in one repeatable-read snapshot, so a deployment and its tasks
 * agree (a gate passed between two reads would otherwise look like a phase with no gate and no job).
 */
export function recoveryCandidates(db: Db, limit = RECOVERY_BATCH): Promise<RecoveryCandidates> {
  return db.$transaction(async (tx) => ({ assessments: await assessmentCandidates(tx, limit), deployments: await deploymentCandidates(tx, limit) }), {
    isolationLevel: 'RepeatableRead',
  });
}

async function assessmentCandidates(tx: Tx, limit: number): Promise<AssessmentCandidate[]> {
  const rows = await tx.assessment.findMany({
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
  return rows.map((row) => ({
    id: row.id,
    status: row.status as AssessmentCandidate['status'],
    updatedAt: row.updatedAt,
    checks: row.checks.map((check) => ({ checkId: check.checkId, type: check.type, status: check.status })),
  }));
}

async function deploymentCandidates(tx: Tx, limit: number): Promise<DeploymentCandidate[]> {
  const rows = await tx.deployment.findMany({
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
  return rows.map((row) => {
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
  });
}
