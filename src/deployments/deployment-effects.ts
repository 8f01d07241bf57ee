import type { DeploymentView } from './deployment.types.ts';

/** What deployment changes do outside the database; the domain decides when, the wiring decides how. */
export interface DeploymentEffects {
  /** Posts the deployment message in the release thread once; later calls re-render it (coalesced). */
  publish(deployment: DeploymentView): Promise<void>;
  enqueuePhase(deploymentId: string, phaseIndex: number, generation: number): Promise<void>;
  /** Arms the delayed job that expires the plan at its `planExpiresAt` unless it was started (idempotent). */
  schedulePlanExpiry(deployment: DeploymentView): Promise<void>;
  /** Enqueues the rollback job and the alarm for running past `maxDuration`. */
  enqueueRollback(deployment: DeploymentView): Promise<void>;
  /** A line in the release thread. */
  announce(deployment: DeploymentView, text: string): Promise<void>;
  /** A message in the channel itself, for what must not hide in a thread. */
  alertChannel(deployment: DeploymentView, text: string): Promise<void>;
  /** Opens (or merges into) an incident for a failed deployment or a rollback. */
  openIncident(
    deployment: DeploymentView,
    input: { cause: string; severity: 'SEV1' | 'SEV2' | 'SEV3'; summary: string; evidence?: Record<string, unknown> },
  ): Promise<void>;
}
