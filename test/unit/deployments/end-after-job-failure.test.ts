import { describe, expect, it } from 'vitest';
import { passGate } from '../../../src/deployments/control.ts';
import type { Guarded } from '../../../src/deployments/deployment.ports.ts';
import type { DeploymentView } from '../../../src/deployments/deployment.types.ts';
import { failDeploymentAfterJobFailure } from '../../../src/deployments/fail-after-job-failure.ts';
import type { DeploymentDeps } from '../../../src/deployments/plan-deployment.ts';
import { rollbackLatestDeployment } from '../../../src/deployments/rollback.ts';

const ID = '7d1e2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';
const NOW = new Date('2025-06-01T12:00:00.000Z');

/** Only the fields these use cases read; the rest of a deployment never reaches them. */
const deployment = (overrides: Partial<DeploymentView>): DeploymentView =>
  ({
    id: ID,
    service: 'shop',
    environment: 'prod',
    status: 'RUNNING',
    currentPhase: 1,
    generation: 1,
    plan: {
      phases: [
        {
          id: 'approve',
          tasks: [
            { id: 'qa-gate', spec: { type: 'manual-gate', role: 'qa' } },
            { id: 'deploy', spec: { type: 'webhook' } },
          ],
        },
      ],
      rollback: { tasks: [], verify: [], maxDurationMs: 60_000 },
    },
    ...overrides,
  }) as DeploymentView;

/** The ports in memory: every repository call and effect is written down in order. */
function fakeDeps(current: DeploymentView | undefined, options: { applied?: boolean; member?: boolean } = {}) {
  const calls: string[] = [];
  const guarded = (next: DeploymentView): Guarded =>
    options.applied === false ? { applied: false, deployment: current } : { applied: true, deployment: next };
  const deps = {
    config: { services: {} },
    signoffs: { findByAssessment: async () => undefined },
    roles: {
      isMember: async (role: string, userId: string) => {
        calls.push(`isMember ${role} ${userId}`);
        return { member: options.member ?? true };
      },
    },
    now: () => NOW,
    deployments: {
      find: async () => current,
      latestStarted: async (service: string, environment: string) => {
        calls.push(`latestStarted ${service} ${environment}`);
        return current;
      },
      fail: async (_id: string, reason: string) => {
        calls.push(`fail ${reason}`);
        return guarded(deployment({ status: 'FAILED', failureReason: reason }));
      },
      finishRollback: async (_id: string, outcome: { ok: boolean; message: string }) => {
        calls.push(`finishRollback ${outcome.ok} ${outcome.message}`);
        return guarded(deployment({ status: 'ROLLBACK_FAILED' }));
      },
      passGate: async (_id: string, taskId: string, userId: string) => {
        calls.push(`passGate ${taskId} ${userId}`);
        return guarded(deployment({ status: 'RUNNING' }));
      },
      startRollback: async () => {
        calls.push('startRollback');
        return guarded(deployment({ status: 'ROLLING_BACK' }));
      },
    },
    effects: {
      announce: async (_d: DeploymentView, event: { kind: string }) => void calls.push(`announce ${JSON.stringify(event)}`),
      publish: async (d: DeploymentView) => void calls.push(`publish ${d.status}`),
      openIncident: async (_d: DeploymentView, incident: { cause: string; severity: string }) =>
        void calls.push(`openIncident ${incident.cause} ${incident.severity}`),
      enqueuePhase: async (_id: string, phase: number, generation: number) => void calls.push(`enqueuePhase ${phase} ${generation}`),
      enqueueRollback: async () => void calls.push('enqueueRollback'),
    },
  } as unknown as DeploymentDeps;
  return { deps, calls };
}

describe('failDeploymentAfterJobFailure', () => {
  it('ends a deployment whose phase job failed for good FAILED, tells people and opens a SEV2 incident', async () => {
    const { deps, calls } = fakeDeps(deployment({}));
    expect(await failDeploymentAfterJobFailure(deps, { jobName: 'phase', deploymentId: ID, reason: 'worker died' })).toBe('failed');
    const why = 'the phase job failed for good: worker died';
    expect(calls).toEqual([
      `fail ${why}`,
      `announce ${JSON.stringify({ kind: 'failed', reason: why })}`,
      'publish FAILED',
      'openIncident deployment-failed SEV2',
    ]);
  });

  it('ends a rollback whose job failed for good ROLLBACK_FAILED and opens a SEV1 incident', async () => {
    const { deps, calls } = fakeDeps(deployment({ status: 'ROLLING_BACK' }));
    expect(await failDeploymentAfterJobFailure(deps, { jobName: 'rollback', deploymentId: ID, reason: 'timeout' })).toBe('rollback_failed');
    const why = 'the rollback job failed for good: timeout';
    expect(calls).toEqual([
      `finishRollback false ${why}`,
      `announce ${JSON.stringify({ kind: 'rollback_finished', ok: false, message: why })}`,
      'publish ROLLBACK_FAILED',
      'openIncident rollback-failed SEV1',
    ]);
  });

  it('redacts secrets in the worker error before storing and announcing it', async () => {
    const { deps, calls } = fakeDeps(deployment({}));
    await failDeploymentAfterJobFailure(deps, { jobName: 'phase', deploymentId: ID, reason: 'PGPASSWORD=hunter22 rejected' });
    expect(calls.join('\n')).not.toContain('hunter22');
    expect(calls[0]).toBe('fail the phase job failed for good: PGPASSWORD=*** rejected');
  });

  it('tells no one when the deployment had already moved on', async () => {
    const { deps, calls } = fakeDeps(deployment({ status: 'SUCCEEDED' }), { applied: false });
    expect(await failDeploymentAfterJobFailure(deps, { jobName: 'phase', deploymentId: ID, reason: 'late' })).toBe('unchanged');
    expect(calls).toEqual(['fail the phase job failed for good: late']);
  });

  it('leaves the deployment alone for jobs that do not run it (plan expiry, rollback deadline)', async () => {
    const { deps, calls } = fakeDeps(deployment({}));
    expect(await failDeploymentAfterJobFailure(deps, { jobName: 'plan-expiry', deploymentId: ID, reason: 'x' })).toBe('unchanged');
    expect(await failDeploymentAfterJobFailure(deps, { jobName: 'rollback-deadline', deploymentId: ID, reason: 'x' })).toBe('unchanged');
    expect(calls).toEqual([]);
  });
});

describe('rollbackLatestDeployment', () => {
  it('says there is no deployment when nothing started in that environment', async () => {
    const { deps, calls } = fakeDeps(undefined);
    const input = { service: 'shop', environment: 'prod', by: 'U0ONCALL', reason: 'errors' };
    expect(await rollbackLatestDeployment(deps, input)).toEqual({ ok: false, reason: 'no_deployment' });
    expect(calls).toEqual(['latestStarted shop prod']);
  });

  it('rolls back the newest started deployment for the person who asked', async () => {
    const { deps, calls } = fakeDeps(deployment({ status: 'SUCCEEDED' }));
    const result = await rollbackLatestDeployment(deps, { service: 'shop', environment: 'prod', by: 'U0ONCALL', reason: 'errors' });
    expect(result).toMatchObject({ ok: true, deployment: { status: 'ROLLING_BACK' } });
    expect(calls.slice(0, 2)).toEqual(['latestStarted shop prod', 'startRollback']);
    expect(calls).toContain('enqueueRollback');
  });
});

describe('passGate', () => {
  it('checks the role the gate names, then continues the phase in a new job', async () => {
    const { deps, calls } = fakeDeps(deployment({ status: 'PAUSED' }));
    expect(await passGate(deps, { deploymentId: ID, taskId: 'qa-gate', userId: 'U0QA' })).toMatchObject({ ok: true });
    expect(calls).toEqual(['isMember qa U0QA', 'passGate qa-gate U0QA', 'enqueuePhase 1 1', 'publish RUNNING']);
  });

  it('refuses someone outside the gate role, naming the role', async () => {
    const { deps, calls } = fakeDeps(deployment({ status: 'PAUSED' }), { member: false });
    expect(await passGate(deps, { deploymentId: ID, taskId: 'qa-gate', userId: 'U0DEV' })).toEqual({
      ok: false,
      reason: 'not_gate_member',
      role: 'qa',
    });
    expect(calls).toEqual(['isMember qa U0DEV']);
  });

  it.each([
    ['a missing deployment', undefined, 'qa-gate'],
    ['a task that is not a manual gate', deployment({}), 'deploy'],
    ['a task the plan does not have', deployment({}), 'nope'],
  ])('answers not_found for %s', async (_name, current, taskId) => {
    const { deps, calls } = fakeDeps(current);
    expect(await passGate(deps, { deploymentId: ID, taskId, userId: 'U0QA' })).toEqual({ ok: false, reason: 'not_found' });
    expect(calls).toEqual([]);
  });
});
