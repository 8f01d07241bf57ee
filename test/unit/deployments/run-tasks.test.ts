import { describe, expect, it } from 'vitest';
import type { DeploymentView } from '../../../src/deployments/deployment.types.ts';
import { buildPlan } from '../../../src/deployments/plan.ts';
import { runTasks, type RunTasksDeps } from '../../../src/deployments/run-tasks.ts';
import { Template } from '../../../src/deployments/template.schema.ts';

const ID = '7d1e2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';

const PLAN = (() => {
  const result = buildPlan(
    'parallel',
    Template.parse({
      phases: [
        {
          id: 'both',
          tasks: [
            { id: 'quick', type: 'webhook', url: 'https://x/quick' },
            { id: 'slow', type: 'webhook', url: 'https://x/slow' },
          ],
        },
      ],
      rollback: { tasks: [{ id: 'undo', type: 'webhook', url: 'https://x/undo' }] },
    }),
    {},
  );
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.plan;
})();

const deployment = {
  id: ID,
  generation: 1,
  tasks: PLAN.phases[0]?.tasks.map((task) => ({ stage: 'deploy', phaseIndex: 0, taskId: task.id, status: 'PENDING' })) ?? [],
} as unknown as DeploymentView;

describe('runTasks when the database fails under one task of a layer', () => {
  it('rethrows only once every task of the layer has stopped, so a retry never runs a task this attempt still runs', async () => {
    const finished: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const deps: RunTasksDeps = {
      deployments: {
        find: async () => deployment,
        markTaskRunning: async () => true,
        recordTask: async (_id, _stage, taskId) => {
          if (taskId === 'quick') throw new Error("Can't reach database server at 127.0.0.1:5432 (P1001)");
          return true;
        },
      },
      effects: { publish: async () => undefined },
      now: () => new Date(),
      runTask: async (task) => {
        if (task.id === 'slow') await new Promise<void>((resolve) => (releaseSlow = resolve));
        finished.push(task.id);
        return { status: 'SUCCEEDED', message: 'ok' };
      },
    };
    const phase = PLAN.phases[0];
    if (!phase) throw new Error('no phase');
    let settled = false;
    const run = runTasks(deps, { deployment, stage: 'deploy', phaseIndex: 0, tasks: phase.tasks, signal: new AbortController().signal }).finally(
      () => (settled = true),
    );
    run.catch(() => undefined);
    // The quick task's record failed; the job must not be retried while the slow one is still at its receiver.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toEqual(['quick']);
    expect(settled).toBe(false);
    releaseSlow();
    await expect(run).rejects.toThrow(/P1001/);
    expect(finished).toEqual(['quick', 'slow']);
  });
});
