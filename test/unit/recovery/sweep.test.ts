import { describe, expect, it } from 'vitest';
import type { DeploymentView } from '../../../src/deployments/deployment.types.ts';
import type { DeploymentDeps } from '../../../src/deployments/plan-deployment.ts';
import { RECOVERY_GRACE_MS } from '../../../src/recovery/decide-recovery.ts';
import type { StrandedWorkDeps } from '../../../src/recovery/recover-stranded-work.ts';
import { sweepDidSomething, sweepOnce } from '../../../src/recovery/sweep.ts';
import { silentLogger } from '../../../src/shared/logger.ts';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const A = '0b6f1c1e-3c1d-4a55-9d0e-1f2a3b4c5d6e';
const PLANNED = '7d1e2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';

/** One QUEUED assessment whose job is gone, and nothing else in progress. */
function strandedWork(requeued: string[], graceMs?: number): StrandedWorkDeps {
  return {
    recovery: {
      candidates: async () => ({
        assessments: [{ id: A, status: 'QUEUED', updatedAt: new Date(NOW.getTime() - RECOVERY_GRACE_MS - 1), checks: [] }],
        deployments: [],
      }),
      record: async () => true,
      recorded: async () => false,
    },
    jobs: { inspect: async () => ({ state: 'unknown', finishedAt: null, failedReason: null }), rerunCompleted: async () => false },
    requeue: {
      assessment: async (assessmentId) => void requeued.push(assessmentId),
      phase: async () => undefined,
      rollback: async () => undefined,
    },
    giveUp: { assessment: async () => undefined, deployment: async () => undefined },
    now: () => NOW,
    logger: silentLogger,
    graceMs,
  };
}

/** One PLANNED deployment an hour past its expiry; `overdueSince` records the cut-off the sweep asked about. */
function plans(overdueSince: Date[]) {
  const planned = {
    id: PLANNED,
    status: 'PLANNED',
    createdAt: new Date(NOW.getTime() - 7_200_000),
    planExpiresAt: new Date(NOW.getTime() - 3_600_000),
  };
  return {
    now: () => NOW,
    deployments: {
      overduePlans: async (before: Date) => {
        overdueSince.push(before);
        return [PLANNED];
      },
      find: async () => planned,
      expirePlan: async () => ({ applied: true, deployment: { ...planned, status: 'CANCELLED' } as unknown as DeploymentView }),
    },
    effects: { publish: async () => undefined },
  } as unknown as Pick<DeploymentDeps, 'deployments' | 'effects' | 'now'>;
}

describe('sweepOnce', () => {
  it('requeues stranded work and expires overdue plans past the same grace period, in one report', async () => {
    const requeued: string[] = [];
    const overdueSince: Date[] = [];
    const report = await sweepOnce(strandedWork(requeued, 5_000), plans(overdueSince));
    expect(report).toEqual({ inspected: 1, requeued: 1, rerun: 0, gaveUp: 0, errors: 0, plansExpired: 1 });
    expect(requeued).toEqual([A]);
    expect(overdueSince).toEqual([new Date(NOW.getTime() - 5_000)]);
    expect(sweepDidSomething(report)).toBe(true);
  });

  it('uses the default grace period for plans when none is given', async () => {
    const overdueSince: Date[] = [];
    await sweepOnce(strandedWork([]), plans(overdueSince));
    expect(overdueSince).toEqual([new Date(NOW.getTime() - RECOVERY_GRACE_MS)]);
  });
});

describe('sweepDidSomething', () => {
  const quiet = { inspected: 4, requeued: 0, rerun: 0, gaveUp: 0, errors: 0, plansExpired: 0 };
  it('is false for a sweep that only looked', () => expect(sweepDidSomething(quiet)).toBe(false));
  it.each(['requeued', 'rerun', 'gaveUp', 'errors', 'plansExpired'] as const)('is true when %s is counted', (field) =>
    expect(sweepDidSomething({ ...quiet, [field]: 1 })).toBe(true),
  );
});
