import { describe, expect, it } from 'vitest';
import {
  decideRecovery,
  RECOVERY_GRACE_MS,
  recoveryTargets,
  type AssessmentCandidate,
  type DeploymentCandidate,
  type JobSnapshot,
  type RecoveryTarget,
} from '../../../src/recovery/decide-recovery.ts';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const A = '0b6f1c1e-3c1d-4a55-9d0e-1f2a3b4c5d6e';
const D = '7d1e2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';

function assessment(overrides: Partial<AssessmentCandidate> = {}): AssessmentCandidate {
  return {
    id: A,
    status: 'QUEUED',
    updatedAt: ago(RECOVERY_GRACE_MS + 1),
    checks: [
      { checkId: 'docs', type: 'http', status: 'PENDING' },
      { checkId: 'health', type: 'http', status: 'PENDING' },
      { checkId: 'runbook', type: 'manual', status: 'PENDING' },
      { checkId: 'legacy', type: 'http', status: 'SKIPPED' },
    ],
    ...overrides,
  };
}

function deployment(overrides: Partial<DeploymentCandidate> = {}): DeploymentCandidate {
  return {
    id: D,
    status: 'RUNNING',
    updatedAt: ago(RECOVERY_GRACE_MS + 1),
    currentPhase: 1,
    generation: 2,
    phaseCount: 3,
    rollbackStartedAt: null,
    rollbackMaxDurationMs: 600_000,
    tasks: [
      { stage: 'deploy', phaseIndex: 0, taskId: 'prepare', status: 'SUCCEEDED' },
      { stage: 'deploy', phaseIndex: 1, taskId: 'deploy', status: 'RUNNING' },
      { stage: 'deploy', phaseIndex: 2, taskId: 'approve', status: 'PENDING' },
    ],
    ...overrides,
  };
}

const targets = (input: { assessments?: AssessmentCandidate[]; deployments?: DeploymentCandidate[] }) =>
  recoveryTargets({ assessments: input.assessments ?? [], deployments: input.deployments ?? [] }, NOW);

describe('which work must have a job', () => {
  it('an assessment QUEUED past the grace period needs its flow, with the automated checks that wait for a result', () => {
    expect(targets({ assessments: [assessment()] })).toEqual([
      { kind: 'assessment', subjectId: A, jobId: `assessment_${A}`, checkIds: ['docs', 'health'] },
    ]);
  });

  it('leaves alone work that changed within the grace period: its enqueue may still be on its way', () => {
    expect(
      targets({ assessments: [assessment({ updatedAt: ago(RECOVERY_GRACE_MS - 1) })], deployments: [deployment({ updatedAt: ago(1000) })] }),
    ).toEqual([]);
    expect(recoveryTargets({ assessments: [assessment({ updatedAt: ago(5000) })], deployments: [] }, NOW, 1000)).toHaveLength(1);
  });

  it('a RUNNING assessment re-queues only the checks that have no result yet', () => {
    const running = assessment({
      status: 'RUNNING',
      checks: [
        { checkId: 'docs', type: 'http', status: 'PASS' },
        { checkId: 'health', type: 'http', status: 'PENDING' },
      ],
    });
    expect(targets({ assessments: [running] })[0]).toMatchObject({ kind: 'assessment', checkIds: ['health'] });
  });

  it('a RUNNING deployment needs the job of its current phase and generation', () => {
    expect(targets({ deployments: [deployment()] })).toEqual([
      { kind: 'phase', subjectId: D, jobId: `deploy-phase_${D}_1_2`, phaseIndex: 1, generation: 2 },
    ]);
  });

  it('a deployment waiting at a manual gate of its current phase needs no job: Proceed enqueues one', () => {
    const atGate = deployment({ tasks: [{ stage: 'deploy', phaseIndex: 1, taskId: 'approve', status: 'WAITING' }] });
    expect(targets({ deployments: [atGate] })).toEqual([]);
    // A gate of another phase (or of the rollback) does not hold up this one.
    const elsewhere = deployment({
      tasks: [
        { stage: 'deploy', phaseIndex: 0, taskId: 'approve', status: 'WAITING' },
        { stage: 'rollback', phaseIndex: 1, taskId: 'approve', status: 'WAITING' },
      ],
    });
    expect(targets({ deployments: [elsewhere] })).toHaveLength(1);
  });

  it('a current phase beyond the plan (or a plan that could not be read) has nothing to run', () => {
    expect(targets({ deployments: [deployment({ currentPhase: 3 }), deployment({ phaseCount: 0, currentPhase: 0 })] })).toEqual([]);
  });

  it('a deployment ROLLING_BACK needs its rollback job, with the overrun alarm still due when it was first due', () => {
    const rolling = deployment({ status: 'ROLLING_BACK', rollbackStartedAt: ago(240_000), updatedAt: ago(240_000) });
    expect(targets({ deployments: [rolling] })).toEqual([{ kind: 'rollback', subjectId: D, jobId: `rollback_${D}`, deadlineInMs: 360_000 }]);
    const overdue = deployment({ status: 'ROLLING_BACK', rollbackStartedAt: ago(900_000), updatedAt: ago(900_000) });
    expect(targets({ deployments: [overdue] })[0]).toMatchObject({ deadlineInMs: 0 });
  });
});

describe('what to do about a target, given its job', () => {
  const target: RecoveryTarget = { kind: 'phase', subjectId: D, jobId: `deploy-phase_${D}_1_2`, phaseIndex: 1, generation: 2 };
  const job = (state: JobSnapshot['state'], finishedAgoMs?: number, failedReason: string | null = null): JobSnapshot => ({
    state,
    finishedAt: finishedAgoMs === undefined ? null : ago(finishedAgoMs),
    failedReason,
  });

  it('a job that does not exist is added again under the same id', () => {
    expect(decideRecovery(target, job('unknown'), NOW)).toEqual({ action: 'requeue', target });
  });

  it('a job that is waiting, running, delayed (a retry backing off) or waiting for children is left alone', () => {
    for (const state of ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const) {
      expect(decideRecovery(target, job(state), NOW)).toEqual({ action: 'none', target, why: 'live' });
    }
  });

  it('a job that finished moments ago is left to the worker that finished it', () => {
    expect(decideRecovery(target, job('completed', 1000), NOW)).toMatchObject({ action: 'none', why: 'just_finished' });
    expect(decideRecovery(target, job('failed', 1000, 'boom'), NOW)).toMatchObject({ action: 'none', why: 'just_finished' });
    expect(decideRecovery(target, job('completed'), NOW)).toMatchObject({ action: 'none', why: 'just_finished' });
  });

  it('a job that completed long ago while its work stayed put is run again', () => {
    expect(decideRecovery(target, job('completed', RECOVERY_GRACE_MS), NOW)).toEqual({ action: 'rerun', target });
  });

  it('a job that failed for good long ago, with its work still in progress, ends the work with its reason', () => {
    expect(decideRecovery(target, job('failed', RECOVERY_GRACE_MS + 5000, 'job stalled more than allowable limit'), NOW)).toEqual({
      action: 'give_up',
      target,
      reason: 'job stalled more than allowable limit',
    });
    expect(decideRecovery(target, job('failed', RECOVERY_GRACE_MS + 5000, ''), NOW)).toMatchObject({
      action: 'give_up',
      reason: 'no reason was recorded',
    });
  });
});
