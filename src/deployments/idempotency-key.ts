import type { Stage } from './deployment.types.ts';

/** The key a task's side effects carry: the same on every retry of the same task of the same deployment. */
export const idempotencyKeyFor = (deploymentId: string, stage: Stage, taskId: string) => `${deploymentId}_${stage}_${taskId}`;
