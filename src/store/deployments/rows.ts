import { Prisma } from '../../generated/prisma/client.ts';
import { idempotencyKeyFor } from '../../deployments/idempotency-key.ts';
import type { DeploymentPlan, PlannedTask } from '../../deployments/plan.ts';
import type { DeploymentView, Stage } from '../../deployments/deployment.types.ts';
import type { Db } from '../prisma.ts';

/** A deployment is always read with its tasks, in plan order. */
export const withTasks = { tasks: { orderBy: [{ stage: 'asc' }, { phaseIndex: 'asc' }, { taskId: 'asc' }] } } satisfies Prisma.DeploymentInclude;
export type DeploymentRow = Prisma.DeploymentGetPayload<{ include: typeof withTasks }>;
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export function toView(row: DeploymentRow): DeploymentView {
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

export const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** The task rows of a stage, created when it starts: PENDING, each with the idempotency key its side effects carry. */
export function taskRows(deploymentId: string, stage: Stage, phases: readonly { tasks: readonly PlannedTask[] }[]) {
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
