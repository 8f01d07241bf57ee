import { describe, expect, it } from 'vitest';
import { pagedUsers, responders } from '../../../src/incidents/incident-access.ts';
import { IncidentsConfig } from '../../../src/incidents/incident-config.ts';
import {
  authorizeIncidentAction,
  findIncidentPermissionProblems,
  INCIDENT_ACTIONS,
  IncidentPermissionsConfig,
  type IncidentActor,
} from '../../../src/incidents/incident-permissions.ts';
import type { IncidentEventView } from '../../../src/incidents/incident.types.ts';
import { incidentNotPermitted } from '../../../src/slack/views/incident-replies.ts';
import { incident } from './fixtures.ts';

const nobody: IncidentActor = { paged: false, responder: false, commander: false };
const defaults = IncidentPermissionsConfig.parse(undefined);

describe('authorizeIncidentAction with the shipped defaults', () => {
  it('refuses a bystander every action, naming the rule', () => {
    for (const action of INCIDENT_ACTIONS) {
      expect(authorizeIncidentAction(defaults, action, nobody)).toEqual({
        allowed: false,
        rule: `incidents.permissions.${action}`,
        audiences: defaults[action],
        commanderRole: 'incident-commander',
      });
    }
  });

  it('lets the people paged and the incident commander do everything', () => {
    for (const action of INCIDENT_ACTIONS) {
      expect(authorizeIncidentAction(defaults, action, { ...nobody, paged: true }).allowed).toBe(true);
      expect(authorizeIncidentAction(defaults, action, { ...nobody, commander: true }).allowed).toBe(true);
    }
  });

  it('lets a responder acknowledge and escalate, but not change the severity or resolve', () => {
    const responder = { ...nobody, responder: true };
    expect(INCIDENT_ACTIONS.filter((action) => authorizeIncidentAction(defaults, action, responder).allowed)).toEqual(['acknowledge', 'escalate']);
  });

  it('applies the configured audiences, `anyone` included, and the configured commander role', () => {
    const permissions = IncidentPermissionsConfig.parse({ commanderRole: 'sre-lead', acknowledge: ['anyone'], resolve: ['commander'] });
    expect(authorizeIncidentAction(permissions, 'acknowledge', nobody).allowed).toBe(true);
    expect(authorizeIncidentAction(permissions, 'resolve', { ...nobody, paged: true })).toMatchObject({
      allowed: false,
      commanderRole: 'sre-lead',
      audiences: ['commander'],
    });
    expect(permissions.lowerSeverity).toEqual(['paged', 'commander']);
  });
});

describe('incidents.permissions config', () => {
  it('defaults when incidents: or its permissions are absent', () => {
    expect(IncidentsConfig.parse(undefined).permissions).toEqual(defaults);
    expect(IncidentsConfig.parse({}).permissions).toEqual(defaults);
  });

  it('is strict and names the problem', () => {
    expect(IncidentPermissionsConfig.safeParse({ acknowlege: ['paged'] }).success).toBe(false);
    expect(IncidentPermissionsConfig.safeParse({ resolve: ['paged', 'bystanders'] }).error?.issues[0]?.message).toBe(
      'must be one of paged, responders, commander, anyone',
    );
  });

  it('reports a commander role that roles: does not define, only when one is named', () => {
    expect(findIncidentPermissionProblems(defaults, {})).toEqual([]);
    expect(findIncidentPermissionProblems(IncidentPermissionsConfig.parse({ commanderRole: 'ic' }), { sre: {} })).toEqual([
      'incidents.permissions.commanderRole: "ic" is not defined under roles (sre)',
    ]);
  });
});

const event = (action: string, actor: string, data: Record<string, unknown> = {}): IncidentEventView => ({
  action,
  actor,
  at: new Date(0),
  reason: null,
  data,
});

describe('who was paged and who responded', () => {
  it('reads everyone the pages reached: mentioned users and usergroup members sent a DM', () => {
    const events = [
      event('incident.paged', 'U0REPORTER', { targets: { users: ['U0ONCALL'], usergroups: ['S0LEADS'], dmUsers: ['U0ONCALL', 'U0LEAD1'] } }),
      event('incident.paged', 'system', { targets: { users: [], dmUsers: ['U0LEAD2'] } }),
      event('incident.opened', 'U0REPORTER', { targets: { users: ['U0NOTPAGED'] } }),
      event('incident.paged', 'system', { targets: 'garbled' }),
    ];
    expect([...pagedUsers(events)].sort()).toEqual(['U0LEAD1', 'U0LEAD2', 'U0ONCALL']);
  });

  it('counts whoever acknowledged, escalated or changed the severity by hand, never the bot', () => {
    const events = [event('incident.escalated', 'U0HELPER'), event('incident.severity_changed', 'system'), event('incident.opened', 'U0REPORTER')];
    expect([...responders(incident({ acknowledgedBy: 'U0ACK' }), events)].sort()).toEqual(['U0ACK', 'U0HELPER']);
  });
});

describe('the refusal sentence', () => {
  it('says who may, which rule refused, and that nothing changed', () => {
    const text = incidentNotPermitted({
      ok: false,
      reason: 'not_permitted',
      incident: incident(),
      action: 'lowerSeverity',
      rule: 'incidents.permissions.lowerSeverity',
      audiences: ['paged', 'commander'],
      commanderRole: 'incident-commander',
    });
    expect(text).toBe(
      ':no_entry: Only the people INC-42 has paged or members of the *incident-commander* role may lower the severity of *INC-42* (rule `incidents.permissions.lowerSeverity` in readiness.yaml). Nothing changed.',
    );
  });
});
