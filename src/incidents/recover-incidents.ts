import type { IncidentRepository } from './incident.ports.ts';
import type { IncidentScheduler } from './incident-deps.ts';
import type { EscalationStep } from './incident.types.ts';

export interface RecoveryDeps {
  incidents: Pick<IncidentRepository, 'recoverable'>;
  scheduler: Pick<IncidentScheduler, 'requestDelivery'> & {
    rearmEscalation(incidentId: string, step: EscalationStep, dueAt: Date): Promise<'armed' | 'retried' | 'present'>;
  };
  now: () => Date;
}

/**
 * Makes Redis agree with the database after a crash between a commit and its enqueue, or after a job gave up:
 * every open incident's current timer exists, and every incident with undelivered posts has a delivery queued.
 * Timer ids are deterministic, so a timer that exists is left alone and none ever fires twice.
 */
export async function recoverIncidents(deps: RecoveryDeps): Promise<{ rearmed: number; deliveries: number }> {
  const { escalations, undelivered } = await deps.incidents.recoverable();
  let rearmed = 0;
  for (const escalation of escalations) {
    if ((await deps.scheduler.rearmEscalation(escalation.id, escalation.step, escalation.dueAt)) !== 'present') rearmed += 1;
  }
  // A fresh id per sweep window: a delivery job that failed for good earlier must not block this one.
  const window = Math.floor(deps.now().getTime() / 60_000);
  for (const pending of undelivered) await deps.scheduler.requestDelivery(pending.incidentId, `sweep${window}_${pending.seq}`);
  return { rearmed, deliveries: undelivered.length };
}
