import type { IncidentRepository } from './incident.ports.ts';
import type { IncidentsConfig } from './incident-config.ts';
import type { EscalationStep, IncidentView } from './incident.types.ts';
import { sameStep, stepOf } from './incident.types.ts';
import type { TargetDirectory } from './page-targets.ts';

/** Timers and deliveries, as BullMQ jobs with deterministic ids (src/queue/incident-queues.ts). */
export interface IncidentScheduler {
  /** Arms the timer of this step; arming it again is a no-op. */
  scheduleEscalation(incidentId: string, step: EscalationStep, dueAt: Date): Promise<void>;
  /** Best effort: a timer that fires anyway finds its step gone and does nothing. */
  cancelEscalation(incidentId: string, step: EscalationStep): Promise<void>;
  /** Asks a worker to post the incident's pending notifications; `trigger` makes the job id. */
  requestDelivery(incidentId: string, trigger: string): Promise<void>;
}

export interface IncidentSettings {
  config: IncidentsConfig;
  /** $INCIDENT_CHANNEL, used when readiness.yaml names no incidents channel. */
  envChannel: string | undefined;
}

/** What every incident use case is given. */
export interface IncidentDeps {
  incidents: IncidentRepository;
  scheduler: IncidentScheduler;
  settings: IncidentSettings;
  directory: TargetDirectory;
  now: () => Date;
}

/**
 * Makes BullMQ agree with a change the database has recorded: the old step's timer goes, the new step's is armed,
 * and the new posts are delivered. Every call here is idempotent, so running it again after a crash is safe.
 */
export async function syncAfterChange(
  scheduler: IncidentScheduler,
  before: IncidentView | undefined,
  after: IncidentView,
  lastSeq: number | undefined,
  /** The timer that is running this change: it completes by itself, removing it would only fail. */
  firing?: EscalationStep,
): Promise<void> {
  const armed = (incident: IncidentView) => incident.status === 'OPEN' && incident.escalationDueAt !== null;
  const gone = before && armed(before) && !(armed(after) && sameStep(stepOf(before), stepOf(after)));
  // Independent of each other: one round trip to Redis instead of three in a row.
  await Promise.all([
    before && gone && !(firing && sameStep(firing, stepOf(before))) ? scheduler.cancelEscalation(before.id, stepOf(before)) : undefined,
    armed(after) ? scheduler.scheduleEscalation(after.id, stepOf(after), after.escalationDueAt as Date) : undefined,
    lastSeq === undefined ? undefined : scheduler.requestDelivery(after.id, String(lastSeq)),
  ]);
}
