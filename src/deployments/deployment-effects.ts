import type { DeploymentView } from './deployment.types.ts';

/**
 * What the release thread is told, as what happened (user ids, reasons, phases); the Slack adapter decides the
 * words. `by` is a Slack user id, or "system" for a rollback nobody asked for.
 */
export type DeploymentAnnouncement =
  | { kind: 'aborted'; by: string; phaseIndex: number }
  | { kind: 'failed'; reason: string; phaseName?: string }
  | { kind: 'succeeded' }
  /** Readiness paused it itself: its own database or Redis was away longer than the retry window (the cause). */
  | {
      kind: 'paused_after_outage';
      cause: string;
      /** Which pause this is (its audit event's sequence number): Resume, then another outage, pauses it again. */
      pause: number;
    }
  | { kind: 'rollback_started'; by: string; reason: string }
  | { kind: 'rollback_finished'; ok: boolean; message: string };

/** What must not hide in a thread: said in the channel itself. */
export type DeploymentAlert = { kind: 'rollback_overrun'; maxDurationMs: number };

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
  announce(deployment: DeploymentView, announcement: DeploymentAnnouncement): Promise<void>;
  /** A message in the channel itself, for what must not hide in a thread. */
  alertChannel(deployment: DeploymentView, alert: DeploymentAlert): Promise<void>;
  /** Opens (or merges into) an incident for a failed deployment or a rollback. */
  openIncident(
    deployment: DeploymentView,
    input: { cause: string; severity: 'SEV1' | 'SEV2' | 'SEV3'; summary: string; evidence?: Record<string, unknown> },
  ): Promise<void>;
}
