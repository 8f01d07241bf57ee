import type { RoleDirectory } from '../roles/role-directory.ts';
import type { IncidentRepository } from './incident.ports.ts';
import type { IncidentEventView, IncidentView } from './incident.types.ts';
import {
  authorizeIncidentAction,
  commanderRoleOf,
  type IncidentAction,
  type IncidentActor,
  type IncidentAudience,
  type IncidentPermissions,
} from './incident-permissions.ts';

export interface IncidentAccessDeps {
  incidents: Pick<IncidentRepository, 'find' | 'events'>;
  roles: Pick<RoleDirectory, 'isMember'>;
  permissions: IncidentPermissions;
}

export type IncidentAccess =
  | { ok: true; incident: IncidentView }
  | { ok: false; reason: 'not_found' }
  | {
      ok: false;
      reason: 'not_permitted';
      incident: IncidentView;
      action: IncidentAction;
      rule: string;
      audiences: readonly IncidentAudience[];
      commanderRole: string;
    };

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** Everyone the incident's pages reached: mentioned users and the usergroup members that were sent a DM. */
export function pagedUsers(events: readonly IncidentEventView[]): Set<string> {
  const paged = new Set<string>();
  for (const event of events) {
    if (event.action !== 'incident.paged') continue;
    const targets = event.data.targets as { users?: unknown; dmUsers?: unknown } | undefined;
    for (const user of [...strings(targets?.users), ...strings(targets?.dmUsers)]) paged.add(user);
  }
  return paged;
}

const RESPONDING_ACTIONS = new Set(['incident.acknowledged', 'incident.escalated', 'incident.severity_changed']);

/** Who has taken the incident on: acknowledged it, or escalated it or changed its severity by hand. */
export function responders(incident: IncidentView, events: readonly IncidentEventView[]): Set<string> {
  const people = new Set(events.filter((event) => RESPONDING_ACTIONS.has(event.action) && event.actor !== 'system').map((event) => event.actor));
  if (incident.acknowledgedBy) people.add(incident.acknowledgedBy);
  return people;
}

/**
 * Looks the incident up and decides whether this person may take the action under `incidents.permissions`. Checked
 * before the change, outside its row lock: every audience only grows while an incident is open (more people are
 * paged, more respond; role membership is read from readiness.yaml and Slack), so a permission that held here
 * still holds when the guarded transition runs. A usergroup lookup that fails counts as "not a member".
 */
export async function checkIncidentAccess(
  deps: IncidentAccessDeps,
  input: { incidentId: string; userId: string; action: IncidentAction },
): Promise<IncidentAccess> {
  const incident = await deps.incidents.find(input.incidentId);
  if (!incident) return { ok: false, reason: 'not_found' };
  const audiences = deps.permissions[input.action];
  const needs = (audience: IncidentAudience) => audiences.includes(audience);
  const events = needs('paged') || needs('responders') ? await deps.incidents.events(incident.id) : [];
  const commanderRole = commanderRoleOf(deps.permissions);
  const actor: IncidentActor = {
    paged: needs('paged') && pagedUsers(events).has(input.userId),
    responder: needs('responders') && responders(incident, events).has(input.userId),
    commander: needs('commander') && (await deps.roles.isMember(commanderRole, input.userId).catch(() => ({ member: false }))).member,
  };
  const permission = authorizeIncidentAction(deps.permissions, input.action, actor);
  if (permission.allowed) return { ok: true, incident };
  return {
    ok: false,
    reason: 'not_permitted',
    incident,
    action: input.action,
    rule: permission.rule,
    audiences: permission.audiences,
    commanderRole,
  };
}
