import { describe, expect, it } from 'vitest';
import type { DeploymentStatus, TaskStatus, TaskView } from '../../../src/deployments/deployment.types.ts';
import { phaseJobStart, resumeMode } from '../../../src/deployments/pause.ts';

const task = (phaseIndex: number, taskId: string, status: TaskStatus, stage: 'deploy' | 'rollback' = 'deploy'): TaskView => ({
  stage,
  phaseIndex,
  taskId,
  type: 'webhook',
  status,
  attempts: status === 'PENDING' ? 0 : 1,
  idempotencyKey: `d_${stage}_${taskId}`,
  message: null,
  evidence: null,
  startedAt: null,
  finishedAt: null,
});

/** Two phases: phase 0 (prepare, notify), phase 1 (deploy). */
const tasks = (prepare: TaskStatus, notify: TaskStatus, deploy: TaskStatus = 'PENDING') => [
  task(0, 'prepare', prepare),
  task(0, 'notify', notify),
  task(1, 'deploy', deploy),
];
const deployment = (status: DeploymentStatus, currentPhase: number, taskList: TaskView[], generation = 1) => ({
  status,
  currentPhase,
  generation,
  tasks: taskList,
});

describe('resumeMode', () => {
  it('only cancels the pause while a task of the current phase runs: its job is still running the phase', () => {
    expect(resumeMode(deployment('PAUSED', 0, tasks('RUNNING', 'PENDING')))).toBe('cancel_pause');
    expect(resumeMode(deployment('PAUSED', 0, tasks('SUCCEEDED', 'RUNNING')))).toBe('cancel_pause');
  });

  it('continues in a new job once nothing of the current phase runs: the pause took effect, or the job is between tasks or at the boundary', () => {
    // The job advanced to phase 1 while paused and stopped there.
    expect(resumeMode(deployment('PAUSED', 1, tasks('SUCCEEDED', 'SUCCEEDED')))).toBe('new_job');
    // Every task done, the job about to complete the phase: the new job completes it, the old one is refused.
    expect(resumeMode(deployment('PAUSED', 0, tasks('SUCCEEDED', 'SUCCEEDED')))).toBe('new_job');
    // Between layers, and a phase that never started.
    expect(resumeMode(deployment('PAUSED', 0, tasks('SUCCEEDED', 'PENDING')))).toBe('new_job');
    expect(resumeMode(deployment('PAUSED', 0, tasks('PENDING', 'PENDING')))).toBe('new_job');
    // A gate waiting for a person holds no job.
    expect(resumeMode(deployment('PAUSED', 0, tasks('WAITING', 'SUCCEEDED')))).toBe('new_job');
  });

  it('looks only at the deploy tasks of the current phase', () => {
    expect(resumeMode(deployment('PAUSED', 1, tasks('RUNNING', 'SUCCEEDED')))).toBe('new_job');
    expect(resumeMode(deployment('PAUSED', 1, [...tasks('SUCCEEDED', 'SUCCEEDED'), task(1, 'undo', 'RUNNING', 'rollback')]))).toBe('new_job');
  });
});

describe('phaseJobStart', () => {
  const job = { phaseIndex: 0, generation: 1 };

  it('runs the current phase and generation while RUNNING', () => {
    expect(phaseJobStart(deployment('RUNNING', 0, tasks('PENDING', 'PENDING')), job)).toBe('run');
    expect(phaseJobStart(deployment('RUNNING', 0, tasks('RUNNING', 'PENDING')), job)).toBe('run');
  });

  it('while PAUSED, finishes a phase already under way (a retry after a crash) but starts none', () => {
    expect(phaseJobStart(deployment('PAUSED', 0, tasks('RUNNING', 'PENDING')), job)).toBe('run');
    expect(phaseJobStart(deployment('PAUSED', 0, tasks('SUCCEEDED', 'SUCCEEDED')), job)).toBe('run');
    expect(phaseJobStart(deployment('PAUSED', 0, tasks('PENDING', 'PENDING')), job)).toBe('paused');
  });

  it('leaves alone what another phase, a newer generation or an end took over', () => {
    expect(phaseJobStart(deployment('RUNNING', 0, tasks('RUNNING', 'PENDING'), 2), job)).toBe('superseded');
    expect(phaseJobStart(deployment('PAUSED', 0, tasks('RUNNING', 'PENDING'), 2), job)).toBe('superseded');
    expect(phaseJobStart(deployment('RUNNING', 1, tasks('SUCCEEDED', 'SUCCEEDED')), job)).toBe('superseded');
    for (const status of ['ABORTED', 'FAILED', 'ROLLING_BACK', 'SUCCEEDED'] as const) {
      expect(phaseJobStart(deployment(status, 0, tasks('RUNNING', 'PENDING')), job)).toBe('superseded');
    }
  });
});
