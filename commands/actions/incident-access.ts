import { checkIncidentAccess, type IncidentAccess } from '../../src/incidents/incident-access.ts';
import type { IncidentAction } from '../../src/incidents/incident-permissions.ts';
import { incidentNotPermitted, incidentReplies } from '../../src/slack/views/incident-replies.ts';
import type { CommandDeps } from '../command-context.ts';

/** `incidents.permissions` applied to one click or submission: the incident when allowed, else what to tell the person. */
export async function incidentAccess(
  deps: CommandDeps,
  input: { incidentId: string; userId: string; action: IncidentAction },
): Promise<IncidentAccess> {
  const { runtime } = deps;
  return checkIncidentAccess(
    { incidents: runtime.incidents.incidents, roles: runtime.roles, permissions: runtime.incidents.settings.config.permissions },
    input,
  );
}

/** The sentence a refused click gets, naming the rule. */
export const accessRefusal = (access: Exclude<IncidentAccess, { ok: true }>) =>
  access.reason === 'not_found' ? incidentReplies.notFound : incidentNotPermitted(access);
