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

describe('runTasks with an `after` chain beside a slow task', () => {
  const chained = (() => {
    const result = buildPlan(
      'chain',
      Template.parse({
        phases: [
          {
            id: 'chain',
            tasks: [
              { id: 'first', type: 'webhook', url: 'https://x/first' },
              { id: 'slow', type: 'webhook', url: 'https://x/slow' },
              { id: 'second', type: 'webhook', url: 'https://x/second', after: ['first'] },
              { id: 'after-slow', type: 'webhook', url: 'https://x/after-slow', after: ['slow'] },
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
  const chainDeployment = {
    id: ID,
    generation: 1,
    tasks: chained.phases[0]?.tasks.map((task) => ({ stage: 'deploy', phaseIndex: 0, taskId: task.id, status: 'PENDING' })) ?? [],
  } as unknown as DeploymentView;

  function depsWith(runTask: RunTasksDeps['runTask']): RunTasksDeps {
    return {
      deployments: { find: async () => chainDeployment, markTaskRunning: async () => true, recordTask: async () => true },
      effects: { publish: async () => undefined },
      now: () => new Date(),
      runTask,
    };
  }

  it('starts a task once its own dependencies finish, while an unrelated task of the layer before still runs', async () => {
    const started: string[] = [];
    let releaseSlow: () => void = () => undefined;
    let secondStarted: () => void = () => undefined;
    const secondRan = new Promise<void>((resolve) => (secondStarted = resolve));
    const deps = depsWith(async (task) => {
      started.push(task.id);
      if (task.id === 'second') secondStarted();
      if (task.id === 'slow') await new Promise<void>((resolve) => (releaseSlow = resolve));
      return { status: 'SUCCEEDED', message: 'ok' };
    });
    const phase = chained.phases[0];
    if (!phase) throw new Error('no phase');
    const run = runTasks(deps, {
      deployment: chainDeployment,
      stage: 'deploy',
      phaseIndex: 0,
      tasks: phase.tasks,
      signal: new AbortController().signal,
    });
    await secondRan;
    expect(started).not.toContain('after-slow');
    releaseSlow();
    await expect(run).resolves.toEqual({ failed: [], waiting: [] });
    expect(started.at(-1)).toBe('after-slow');
  });

  it('does not start a task whose dependency failed, and reports the failure', async () => {
    const started: string[] = [];
    const deps = depsWith(async (task) => {
      started.push(task.id);
      return task.id === 'first' ? { status: 'FAILED', message: 'receiver said 500' } : { status: 'SUCCEEDED', message: 'ok' };
    });
    const phase = chained.phases[0];
    if (!phase) throw new Error('no phase');
    const result = await runTasks(deps, {
      deployment: chainDeployment,
      stage: 'deploy',
      phaseIndex: 0,
      tasks: phase.tasks,
      signal: new AbortController().signal,
    });
    expect(result.failed).toEqual([{ taskId: 'first', message: 'receiver said 500' }]);
    expect(started).not.toContain('second');
    expect(started).toContain('after-slow');
  });
});
