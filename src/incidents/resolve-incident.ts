import type { IncidentDeps } from './incident-deps.ts';
import { syncAfterChange } from './incident-deps.ts';
import type { Decision, IncidentView } from './incident.types.ts';
import { secondsBetween } from './incident.types.ts';
import { alertUpdate, timelinePosts } from './timeline-plan.ts';

export const RESOLUTION_SUMMARY_MAX = 2000;

/**
 * Closes the incident with the resolver's summary: escalation stops, the merge key is released (a new report opens a
 * new incident), time to acknowledge and to resolve are recorded, and the thread gets the post-incident review
 * skeleton. Resolving an unacknowledged incident acknowledges it at the same moment. Pure.
 */
export function decideResolve(incident: IncidentView, input: { by: string; summary: string }, at: Date): Decision<'already_resolved'> {
  if (incident.status === 'RESOLVED') return { ok: false, refusal: 'already_resolved' };
  const acknowledgedAt = incident.acknowledgedAt ?? at;
  const acknowledgeSeconds = secondsBetween(incident.createdAt, acknowledgedAt);
  const resolveSeconds = secondsBetween(incident.createdAt, at);
  return {
    ok: true,
    change: {
      set: {
        status: 'RESOLVED',
        resolvedBy: input.by,
        resolvedAt: at,
        resolutionSummary: input.summary,
        acknowledgedBy: incident.acknowledgedBy ?? input.by,
        acknowledgedAt,
        timeToAcknowledgeSeconds: acknowledgeSeconds,
        timeToResolveSeconds: resolveSeconds,
        escalationDueAt: null,
        mergeKey: null,
      },
      audit: [
        {
          actor: input.by,
          action: 'incident.resolved',
          subjectType: 'incident',
          subjectId: incident.id,
          before: { status: incident.status, resolvedBy: null },
          after: { status: 'RESOLVED', resolvedBy: input.by },
          reason: input.summary,
          data: { acknowledgeSeconds, resolveSeconds, severity: incident.severity },
        },
      ],
      notifications: [
        ...timelinePosts(incident, 'resolved', { type: 'resolved', by: input.by, summary: input.summary, acknowledgeSeconds, resolveSeconds }),
        ...timelinePosts(incident, 'review', { type: 'review' }),
        alertUpdate(incident, 'resolved'),
      ],
    },
  };
}

export type ResolveResult =
  | { ok: true; incident: IncidentView }
  | { ok: false; reason: 'already_resolved' | 'not_found' | 'duplicate'; incident?: IncidentView };

export async function resolveIncident(deps: IncidentDeps, input: { incidentId: string; by: string; summary: string }): Promise<ResolveResult> {
  const outcome = await deps.incidents.apply(input.incidentId, deps.now, (current, at) => decideResolve(current, input, at));
  if (!outcome.applied) {
    return 'current' in outcome ? { ok: false, reason: outcome.refusal, incident: outcome.current } : { ok: false, reason: outcome.refusal };
  }
  await syncAfterChange(deps.scheduler, outcome.before, outcome.after, outcome.lastSeq);
  return { ok: true, incident: outcome.after };
}
