import type { IncidentDeps } from './incident-deps.ts';
import type { IncidentView } from './incident.types.ts';

/** `/readiness incidents`: every unresolved incident, most severe first (the repository's order). */
export function listOpenIncidents(deps: { incidents: Pick<IncidentDeps['incidents'], 'listOpen'> }): Promise<IncidentView[]> {
  return deps.incidents.listOpen();
}
