import type { DeploymentView } from './deployment.types.ts';

type PhaseState = Pick<DeploymentView, 'currentPhase' | 'tasks'>;

const phaseTasks = (deployment: PhaseState, phaseIndex: number) =>
  deployment.tasks.filter((task) => task.stage === 'deploy' && task.phaseIndex === phaseIndex);

/**
 * What Resume does to a PAUSED deployment. A pause takes effect at the phase boundary; until then the phase job of
 * the current generation is still running the phase's tasks. While a task of the current phase is RUNNING, Resume
 * only cancels the pause (`cancel_pause`: same generation, no new job), because a second job would run that task
 * again, concurrently. Otherwise nothing is running (the pause took effect, or the job is between tasks or at the
 * boundary), and Resume continues in a new job of a new generation (`new_job`); an old job still about to start a
 * task or complete the phase is then refused by the generation guards and stops.
 */
export function resumeMode(deployment: PhaseState): 'cancel_pause' | 'new_job' {
  return phaseTasks(deployment, deployment.currentPhase).some((task) => task.status === 'RUNNING') ? 'cancel_pause' : 'new_job';
}

/**
 * Whether the phase job of the deployment's current phase and generation runs the phase. RUNNING: yes. PAUSED: only
 * when the phase is already under way (a task started), so a retry of a job that died mid-phase finishes the phase
 * and the pause takes effect at its boundary, as it would have; a phase that has not started waits for Resume.
 */
export function phaseJobStart(
  deployment: PhaseState & Pick<DeploymentView, 'status' | 'generation'>,
  input: { phaseIndex: number; generation: number },
): 'run' | 'paused' | 'superseded' {
  if (deployment.currentPhase !== input.phaseIndex || deployment.generation !== input.generation) return 'superseded';
  if (deployment.status === 'RUNNING') return 'run';
  if (deployment.status !== 'PAUSED') return 'superseded';
  return phaseTasks(deployment, input.phaseIndex).some((task) => task.status !== 'PENDING') ? 'run' : 'paused';
}
