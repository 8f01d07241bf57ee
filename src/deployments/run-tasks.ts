import type { DeploymentRepository } from './deployment.ports.ts';
import { idempotencyKeyFor } from './idempotency-key.ts';
import type { DeploymentEffects } from './deployment-effects.ts';
import type { DeploymentView, Stage, TaskOutcome } from './deployment.types.ts';
import { dependencyOrder, type PlannedTask } from './plan.ts';

export interface TaskRunContext {
  deployment: DeploymentView;
  stage: Stage;
  /** The same for every attempt of this task: receivers use it to apply the side effect once. */
  idempotencyKey: string;
  signal: AbortSignal;
}

export type TaskRunner = (task: PlannedTask, context: TaskRunContext) => Promise<TaskOutcome>;

export interface RunTasksDeps {
  deployments: Pick<DeploymentRepository, 'markTaskRunning' | 'recordTask' | 'find'>;
  runTask: TaskRunner;
  effects: Pick<DeploymentEffects, 'publish'>;
  now: () => Date;
}

export interface TasksResult {
  failed: { taskId: string; message: string }[];
  waiting: string[];
}

/**
 * Runs tasks in the order their `after` allows, each as soon as the tasks it waits for have finished (not when
 * the whole layer before it has: a chain must not wait for the slowest unrelated task). Finished tasks are skipped,
 * so a job that runs again after a crash picks up where the last one stopped; a task left RUNNING runs again with
 * its idempotency key. A failed task stops the tasks that wait for it. A task starts only while the deployment is
 * still in the generation this run was given, so a run that a newer one (Resume, a passed gate) took over starts
 * nothing.
 */
export async function runTasks(
  deps: RunTasksDeps,
  input: { deployment: DeploymentView; stage: Stage; phaseIndex: number; tasks: readonly PlannedTask[]; signal: AbortSignal },
): Promise<TasksResult> {
  const order = dependencyOrder(input.tasks);
  if (!order.ok) return { failed: [{ taskId: '*', message: order.problem }], waiting: [] };
  const recorded = new Map(input.deployment.tasks.filter((task) => task.stage === input.stage).map((task) => [task.taskId, task]));
  const result: TasksResult = { failed: [], waiting: [] };
  const blocked = new Set<string>();
  let thrown: { error: unknown } | undefined;

  const runOne = async (taskId: string) => {
    const task = input.tasks.find((candidate) => candidate.id === taskId);
    const row = recorded.get(taskId);
    if (!task || !row) return;
    if (row.status === 'SUCCEEDED' || row.status === 'SKIPPED') return;
    if (row.status === 'FAILED') return void result.failed.push({ taskId, message: row.message ?? 'failed' });
    if (row.status === 'WAITING') return void result.waiting.push(taskId);
    if (task.after.some((dependency) => blocked.has(dependency))) return void blocked.add(taskId);
    if (
      !(await deps.deployments.markTaskRunning(
        input.deployment.id,
        { stage: input.stage, taskId, generation: input.deployment.generation },
        deps.now(),
      ))
    )
      return;
    await deps.effects.publish(input.deployment);
    let outcome: TaskOutcome;
    try {
      outcome = await deps.runTask(task, {
        deployment: input.deployment,
        stage: input.stage,
        idempotencyKey: idempotencyKeyFor(input.deployment.id, input.stage, taskId),
        signal: input.signal,
      });
    } catch (error) {
      outcome = {
        status: 'FAILED',
        message: input.signal.aborted ? 'the phase ran out of time' : `the task could not run: ${(error as Error).message}`,
      };
    }
    await deps.deployments.recordTask(input.deployment.id, input.stage, taskId, outcome, deps.now());
    if (outcome.status === 'FAILED') {
      result.failed.push({ taskId, message: outcome.message });
      blocked.add(taskId);
    }
    if (outcome.status === 'WAITING') {
      result.waiting.push(taskId);
      blocked.add(taskId);
    }
    await deps.effects.publish(input.deployment);
  };

  // The layers in order are a topological order, so every task's dependencies already have their promise here.
  const finished = new Map<string, Promise<void>>();
  for (const taskId of order.layers.flat()) {
    const after = input.tasks.find((candidate) => candidate.id === taskId)?.after ?? [];
    const dependencies = Promise.allSettled(after.map((dependency) => finished.get(dependency)));
    finished.set(
      taskId,
      dependencies.then(async () => {
        // Once our database failed under one task, no further task starts: the job is retried instead.
        if (thrown) return;
        try {
          await runOne(taskId);
        } catch (error) {
          thrown ??= { error };
        }
      }),
    );
  }
  // Every task has stopped before the job throws, so a retry never runs a task this attempt is still running (a
  // second request at once).
  await Promise.all(finished.values());
  if (thrown) throw thrown.error;
  return result;
}
