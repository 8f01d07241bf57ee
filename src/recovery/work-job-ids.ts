/**
 * The deterministic ids of the jobs that move tracked work on (an assessment, a deployment phase, a rollback) and
 * of the timers the database holds (escalations, expiries, the rollback alarm).
 * They are a rule of the domain, not a detail of the queue: adding the same logical job twice is a no-op because
 * the id is the same, and the recovery sweep finds a piece of work's job by computing its id. The queue adapter
 * adds jobs under these ids (src/queue/names.ts); ids of jobs nothing recovers stay there.
 */
export const workJobIds = {
  assessment: (assessmentId: string) => `assessment_${assessmentId}`,
  /** A Resume or a passed gate bumps the generation, so the phase job it enqueues is a new one. */
  deploymentPhase: (deploymentId: string, phaseIndex: number, generation: number) => `deploy-phase_${deploymentId}_${phaseIndex}_${generation}`,
  rollback: (deploymentId: string) => `rollback_${deploymentId}`,
  // Timers: the timer rebuild (rebuild-timers.ts) finds each by its id after Redis lost its data.
  signoffExpiry: (requestId: string) => `signoff-expire_${requestId}`,
  /** The one timer that expires a plan nobody started. */
  planExpiry: (deploymentId: string) => `deploy-plan-expiry_${deploymentId}`,
  /** The rollback's max-duration alarm. */
  rollbackDeadline: (deploymentId: string) => `rollback-deadline_${deploymentId}`,
  /** One timer per step of an incident's escalation: a step is armed once, however often it is asked for. */
  escalation: (incidentId: string, step: { plan: number; level: number; round: number }) =>
    `escalate_${incidentId}_${step.plan}_${step.level}_${step.round}`,
};
