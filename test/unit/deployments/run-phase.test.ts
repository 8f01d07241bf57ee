import { describe, expect, it } from 'vitest';
import type { DeploymentAnnouncement } from '../../../src/deployments/deployment-effects.ts';
import type { DeploymentView, TaskOutcome } from '../../../src/deployments/deployment.types.ts';
import { announcementIntent } from '../../../src/slack/deployment-messages.ts';
import { buildPlan } from '../../../src/deployments/plan.ts';
import type { RollbackRunDeps } from '../../../src/deployments/rollback.ts';
import { runPhase } from '../../../src/deployments/run-phase.ts';
import { runRollback } from '../../../src/deployments/rollback.ts';
import { Template } from '../../../src/deployments/template.schema.ts';

const ID = '7d1e2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';
const NOW = new Date('2025-06-01T12:00:00.000Z');

const PLAN = (() => {
  const result = buildPlan(
    'gated',
    Template.parse({
      phases: [
        { id: 'deploy', tasks: [{ id: 'deploy', type: 'webhook', url: 'https://x/deploy' }] },
        // Not a verification phase: the checks task alone makes its failure a failed verification.
        {
          id: 'smoke',
          tasks: [
            { id: 'smoke', type: 'checks', checks: ['health'] },
            { id: 'notify', type: 'webhook', url: 'https://x/notify' },
          ],
        },
        { id: 'finalize', tasks: [{ id: 'finalize', type: 'webhook', url: 'https://x/finalize' }] },
      ],
      rollback: { tasks: [{ id: 'undo', type: 'webhook', url: 'https://x/undo' }] },
    }),
    {},
  );
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.plan;
})();

function view(overrides: Partial<DeploymentView>): DeploymentView {
  return {
    id: ID,
    service: 'shop',
    environment: 'prod',
    template: 'gated',
    version: null,
    status: 'RUNNING',
    requestedBy: 'U0DEPLOYER',
    startedBy: 'U0DEPLOYER',
    channelId: 'C0RELEASE',
    threadTs: '1.1',
    messageTs: '1.2',
    assessmentId: 'a-1',
    plan: PLAN,
    currentPhase: 0,
    generation: 1,
    failureReason: null,
    rollbackReason: null,
    rollbackBy: null,
    createdAt: NOW,
    planExpiresAt: NOW,
    startedAt: NOW,
    finishedAt: null,
    rollbackStartedAt: null,
    rollbackFinishedAt: null,
    tasks: PLAN.phases.flatMap((phase, phaseIndex) =>
      phase.tasks.map((task) => ({
        stage: 'deploy' as const,
        phaseIndex,
        taskId: task.id,
        type: task.type,
        status: 'PENDING' as const,
        attempts: 0,
        idempotencyKey: `${ID}_deploy_${task.id}`,
        message: null,
        evidence: null,
        startedAt: null,
        finishedAt: null,
      })),
    ),
    ...overrides,
  };
}

/** The domain's ports, in memory, recording what the phase asked for. */
function fakeDeps(
  current: DeploymentView,
  outcomes: Record<string, TaskOutcome> = {},
  audited: Record<string, { actor: string; reason: string | null; seq: number }> = {},
) {
  let state = current;
  let seq = 100;
  const effects: string[] = [];
  const intents: string[] = [];
  const ran: string[] = [];
  const guarded = (next: DeploymentView) => {
    state = next;
    return { applied: true as const, deployment: next };
  };
  const deps = {
    config: {} as RollbackRunDeps['config'],
    signoffs: { findByAssessment: async () => undefined },
    roles: { isMember: async () => ({ member: true }), holders: () => undefined },
    now: () => NOW,
    deployments: {
      find: async () => state,
      lastAudited: async (_id: string, action: string) => audited[action],
      markTaskRunning: async () => true,
      recordTask: async () => true,
      startRollback: async (_id: string, input: { by: string; reason: string }) =>
        guarded({ ...state, status: 'ROLLING_BACK', rollbackBy: input.by, rollbackReason: input.reason }),
      fail: async (_id: string, reason: string) => guarded({ ...state, status: 'FAILED', failureReason: reason }),
      // Guarded like the repository's: only a RUNNING deployment pauses.
      pause: async (_id: string, by: string, reason?: string) => {
        if (state.status !== 'RUNNING') return { applied: false as const, deployment: state };
        effects.push(`pause by ${by}: ${reason ?? ''}`);
        seq += 1;
        audited['deployment.paused'] = { actor: by, reason: reason ?? null, seq };
        return guarded({ ...state, status: 'PAUSED' });
      },
      finishRollback: async (_id: string, outcome: { ok: boolean }) => guarded({ ...state, status: outcome.ok ? 'ROLLED_BACK' : 'ROLLBACK_FAILED' }),
      // Guarded like the repository's: only the current phase and generation complete it.
      completePhase: async (_id: string, phase: { phaseIndex: number; generation: number }) =>
        state.currentPhase === phase.phaseIndex && state.generation === phase.generation
          ? guarded({ ...state, currentPhase: phase.phaseIndex + 1 })
          : { applied: false as const, deployment: state },
    },
    effects: {
      publish: async () => void effects.push('publish'),
      enqueuePhase: async (_id: string, phaseIndex: number, generation: number) => void effects.push(`enqueuePhase ${phaseIndex} ${generation}`),
      enqueueRollback: async () => void effects.push('enqueueRollback'),
      schedulePlanExpiry: async () => void effects.push('schedulePlanExpiry'),
      announce: async (deployment: DeploymentView, announcement: DeploymentAnnouncement) => {
        effects.push(`announce ${announcement.kind}`);
        intents.push(announcementIntent(deployment.id, announcement));
      },
      alertChannel: async () => void effects.push('alertChannel'),
      openIncident: async () => void effects.push('openIncident'),
    },
    runTask: async (task: { id: string }) => {
      ran.push(task.id);
      return outcomes[task.id] ?? { status: 'SUCCEEDED', message: 'ok' };
    },
    verifyChecks: async () => [],
  } as unknown as RollbackRunDeps;
  return {
    deps,
    effects,
    intents,
    ran,
    state: () => state,
    setState: (next: DeploymentView) => {
      state = next;
    },
  };
}

describe('runPhase', () => {
  it('runs the current phase and enqueues the next', async () => {
    const { deps, effects, ran } = fakeDeps(view({ currentPhase: 1 }));
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('next_phase');
    expect(ran.sort()).toEqual(['notify', 'smoke']);
    expect(effects.filter((effect) => effect.startsWith('enqueue'))).toEqual(['enqueuePhase 2 1']);
  });

  it('treats a failed checks task as a failed verification, even outside a verification phase, and rolls back', async () => {
    const { deps, effects, state } = fakeDeps(view({ currentPhase: 1 }), { smoke: { status: 'FAILED', message: 'health: FAIL: HTTP 503' } });
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('rolling_back');
    expect(state()).toMatchObject({
      status: 'ROLLING_BACK',
      rollbackBy: 'system',
      rollbackReason: 'verification failed: smoke — health: FAIL: HTTP 503',
    });
    // The rollback job says it (runRollback), so a crash here neither loses nor doubles the announcement.
    expect(effects).toContain('enqueueRollback');
    expect(effects.filter((effect) => effect.startsWith('announce'))).toEqual([]);
  });

  it('fails, without rolling back, when another kind of task fails outside a verification phase', async () => {
    const { deps, state } = fakeDeps(view({ currentPhase: 1 }), { notify: { status: 'FAILED', message: 'answered 500' } });
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('failed');
    expect(state()).toMatchObject({ status: 'FAILED', failureReason: 'phase smoke failed: notify — answered 500' });
  });

  it('on a retry after the phase moved on, enqueues the next phase again instead of doing nothing', async () => {
    const { deps, effects, ran } = fakeDeps(view({ currentPhase: 2 }));
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('next_phase');
    expect(ran).toEqual([]);
    expect(effects).toEqual(['enqueuePhase 2 1']);
  });

  it('on a retry after it started a rollback, enqueues the rollback again', async () => {
    const { deps, effects, ran } = fakeDeps(view({ currentPhase: 1, status: 'ROLLING_BACK' }));
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('rolling_back');
    expect(ran).toEqual([]);
    expect(effects).toEqual(['enqueueRollback']);
  });

  it('leaves alone a deployment a newer generation (Resume, a passed gate) or another phase has taken over', async () => {
    for (const current of [
      view({ currentPhase: 2, generation: 2 }),
      view({ currentPhase: 1, generation: 2 }),
      view({ currentPhase: 0 }),
      view({ currentPhase: 1, status: 'ABORTED' }),
    ]) {
      const { deps, effects, ran } = fakeDeps(current);
      expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('superseded');
      expect([...ran, ...effects]).toEqual([]);
    }
  });

  it('does not start a phase while the deployment is paused: the pause took effect at its boundary', async () => {
    const { deps, effects, ran } = fakeDeps(view({ currentPhase: 1, status: 'PAUSED' }));
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('paused');
    expect([...ran, ...effects]).toEqual([]);
  });

  it('finishes a phase already under way while paused (a retry after a crash), then stops at the boundary', async () => {
    const current = view({ currentPhase: 1, status: 'PAUSED' });
    const tasks = current.tasks.map((task) =>
      task.taskId === 'smoke' ? { ...task, status: 'SUCCEEDED' as const } : task.taskId === 'notify' ? { ...task, status: 'RUNNING' as const } : task,
    );
    const { deps, effects, ran, state } = fakeDeps({ ...current, tasks });
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('paused');
    expect(ran).toEqual(['notify']);
    expect(state()).toMatchObject({ status: 'PAUSED', currentPhase: 2 });
    expect(effects.filter((effect) => effect.startsWith('enqueue'))).toEqual([]);
  });

  it('a job that Resume replaced with a newer generation mid-phase does not complete the phase or enqueue anything', async () => {
    const { deps, effects, setState, state } = fakeDeps(view({ currentPhase: 1 }));
    // Resume after the pause took effect, while this job was between its last task and the boundary.
    deps.runTask = async () => {
      setState({ ...state(), generation: 2 });
      return { status: 'SUCCEEDED', message: 'ok' };
    };
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('superseded');
    expect(state()).toMatchObject({ currentPhase: 1, generation: 2 });
    expect(effects.filter((effect) => effect.startsWith('enqueue'))).toEqual([]);
  });

  describe('after waiting out our own database past the retry window', () => {
    const cause = 'the database did not answer for 75 s';
    const underWay = (current: DeploymentView) =>
      current.tasks.map((task) =>
        task.taskId === 'smoke'
          ? { ...task, status: 'SUCCEEDED' as const }
          : task.taskId === 'notify'
            ? { ...task, status: 'RUNNING' as const }
            : task,
      );

    it('pauses the deployment with the cause (never fails it), finishes the phase under way and stops at its boundary', async () => {
      const current = view({ currentPhase: 1 });
      const { deps, effects, ran, state } = fakeDeps({ ...current, tasks: underWay(current) });
      expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1, outageCause: cause })).toBe('paused');
      expect(ran).toEqual(['notify']);
      expect(state()).toMatchObject({ status: 'PAUSED', currentPhase: 2, failureReason: null });
      expect(effects).toContain(`pause by system: ${cause}`);
      expect(effects).toContain('announce paused_after_outage');
      expect(effects.filter((effect) => effect.startsWith('enqueue') || effect === 'openIncident')).toEqual([]);
    });

    it('a second pause after Resume and another outage is announced under its own intent (not taken as said already)', async () => {
      const current = view({ currentPhase: 1 });
      const { deps, intents, state, setState } = fakeDeps({ ...current, tasks: underWay(current) });
      await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1, outageCause: cause });
      // Resume while the phase's task ran only cancels the pause: same generation, the same job carries on.
      setState({ ...state(), status: 'RUNNING', currentPhase: 1, tasks: underWay(current) });
      await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1, outageCause: cause });
      expect(intents).toHaveLength(2);
      expect(new Set(intents).size).toBe(2);
    });

    it('starts no task of a phase that had not begun', async () => {
      const { deps, ran, state } = fakeDeps(view({ currentPhase: 1 }));
      expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1, outageCause: cause })).toBe('paused');
      expect(ran).toEqual([]);
      expect(state().status).toBe('PAUSED');
    });

    it('a retry finding it paused by Readiness already pauses nothing again, says what its first run owed, and finishes the phase', async () => {
      const current = view({ currentPhase: 1, status: 'PAUSED' });
      const { deps, effects } = fakeDeps(
        { ...current, tasks: underWay(current) },
        {},
        { 'deployment.paused': { actor: 'system', reason: cause, seq: 7 } },
      );
      expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1, outageCause: cause })).toBe('paused');
      // Said again when it was said already: the adapter looks for the line before posting (deployment-poster.ts).
      expect(effects.filter((effect) => effect.startsWith('announce') || effect.startsWith('pause'))).toEqual(['announce paused_after_outage']);
    });

    it('a retry whose outage note went stale (its post kept failing past the gap) still says what the pause owed', async () => {
      const current = view({ currentPhase: 1, status: 'PAUSED' });
      const { deps, effects } = fakeDeps(
        { ...current, tasks: underWay(current) },
        {},
        { 'deployment.paused': { actor: 'system', reason: cause, seq: 7 } },
      );
      expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('paused');
      expect(effects.filter((effect) => effect.startsWith('announce') || effect.startsWith('pause'))).toEqual(['announce paused_after_outage']);
    });

    it('a retry finding it paused by a person says nothing of Readiness', async () => {
      const current = view({ currentPhase: 1, status: 'PAUSED' });
      const { deps, effects } = fakeDeps(
        { ...current, tasks: underWay(current) },
        {},
        { 'deployment.paused': { actor: 'U0PERSON', reason: null, seq: 7 } },
      );
      expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1, outageCause: cause })).toBe('paused');
      expect(effects.filter((effect) => effect.startsWith('announce') || effect.startsWith('pause'))).toEqual([]);
    });
  });
});

// A worker SIGKILLed between a guarded transition and its announcement: the job is redelivered and finds the
// deployment already moved on. The announcement is owed; the adapter's look-up (deployment-poster.ts) makes saying
// it again harmless when it was said after all.
describe('a job retried after it ended the deployment but died before telling anyone', () => {
  it('announces the success and re-renders, running nothing', async () => {
    const last = PLAN.phases.length - 1;
    const { deps, effects, ran } = fakeDeps(view({ status: 'SUCCEEDED', currentPhase: last }));
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: last, generation: 1 })).toBe('succeeded');
    expect(ran).toEqual([]);
    expect(effects).toEqual(['announce succeeded', 'publish']);
  });

  it('announces the failure and opens its incident', async () => {
    const { deps, effects, ran } = fakeDeps(view({ status: 'FAILED', currentPhase: 1, failureReason: 'phase smoke failed: notify — 500' }));
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: 1, generation: 1 })).toBe('failed');
    expect(ran).toEqual([]);
    expect(effects).toEqual(['announce failed', 'publish', 'openIncident']);
  });

  it('leaves a stale job of another generation silent', async () => {
    const last = PLAN.phases.length - 1;
    const { deps, effects } = fakeDeps(view({ status: 'SUCCEEDED', currentPhase: last, generation: 2 }));
    expect(await runPhase(deps, { deploymentId: ID, phaseIndex: last, generation: 1 })).toBe('superseded');
    expect(effects).toEqual([]);
  });

  it('the rollback job announces the rollback it runs, then its end', async () => {
    const { deps, effects, ran, state } = fakeDeps(
      view({ status: 'ROLLING_BACK', rollbackBy: 'system', rollbackReason: 'verification failed', rollbackStartedAt: NOW }),
    );
    deps.deployments.find = async () => {
      const current = state();
      return {
        ...current,
        tasks: [...current.tasks, { ...(current.tasks[0] as DeploymentView['tasks'][number]), stage: 'rollback', taskId: 'undo' }],
      };
    };
    expect(await runRollback(deps, ID)).toBe('rolled_back');
    expect(ran).toEqual(['undo']);
    expect(effects.filter((effect) => effect !== 'publish')).toEqual(['announce rollback_started', 'announce rollback_finished', 'openIncident']);
  });

  it('a rollback job retried after the rollback finished tells, and runs nothing', async () => {
    const { deps, effects, ran } = fakeDeps(view({ status: 'ROLLED_BACK', rollbackReason: 'verification failed', rollbackStartedAt: NOW }));
    expect(await runRollback(deps, ID)).toBe('not_rolling_back');
    expect(ran).toEqual([]);
    expect(effects).toEqual(['announce rollback_finished', 'publish', 'openIncident']);
  });
});
