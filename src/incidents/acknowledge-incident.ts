import type { IncidentDeps } from './incident-deps.ts';
import { syncAfterChange } from './incident-deps.ts';
import type { Decision, IncidentView } from './incident.types.ts';
import { secondsBetween, stepOf } from './incident.types.ts';
import { alertUpdate, timelinePosts } from './timeline-plan.ts';

export type AcknowledgeRefusal = 'already_acknowledged' | 'resolved';

/** Someone has it: escalation stops, and the time to acknowledge is recorded. Pure. */
export function decideAcknowledge(incident: IncidentView, by: string, at: Date): Decision<AcknowledgeRefusal> {
  if (incident.status === 'ACKNOWLEDGED') return { ok: false, refusal: 'already_acknowledged' };
  if (incident.status === 'RESOLVED') return { ok: false, refusal: 'resolved' };
  const afterSeconds = secondsBetween(incident.createdAt, at);
  return {
    ok: true,
    change: {
      set: { status: 'ACKNOWLEDGED', acknowledgedBy: by, acknowledgedAt: at, timeToAcknowledgeSeconds: afterSeconds, escalationDueAt: null },
      audit: [
        {
          actor: by,
          action: 'incident.acknowledged',
          subjectType: 'incident',
          subjectId: incident.id,
          before: { status: incident.status, acknowledgedBy: null },
          after: { status: 'ACKNOWLEDGED', acknowledgedBy: by },
          data: { afterSeconds, ...stepOf(incident), severity: incident.severity },
        },
      ],
      notifications: [...timelinePosts(incident, 'acknowledged', { type: 'acknowledged', by, afterSeconds }), alertUpdate(incident, 'acknowledged')],
    },
  };
}

export type AcknowledgeResult =
  | { ok: true; incident: IncidentView }
  | { ok: false; reason: AcknowledgeRefusal | 'not_found' | 'duplicate'; incident?: IncidentView };

/**
 * Records the acknowledgement under the incident's row lock, so it is ordered against every page: a page being sent
 * finishes first, and a page not yet sent is dropped. Then the pending timer is removed.
 */
export async function acknowledgeIncident(deps: IncidentDeps, input: { incidentId: string; by: string }): Promise<AcknowledgeResult> {
  const outcome = await deps.incidents.apply(input.incidentId, deps.now, (current, at) => decideAcknowledge(current, input.by, at));
  if (!outcome.applied) {
    return 'current' in outcome ? { ok: false, reason: outcome.refusal, incident: outcome.current } : { ok: false, reason: outcome.refusal };
  }
  await syncAfterChange(deps.scheduler, outcome.before, outcome.after, outcome.lastSeq);
  return { ok: true, incident: outcome.after };
}
