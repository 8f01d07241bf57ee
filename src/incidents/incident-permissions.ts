import { z } from 'zod';
import { Slug } from '../checks/check-base.ts';

/** Every button on an incident's alert (and the page DM's Acknowledge): what `incidents.permissions` governs. */
export const INCIDENT_ACTIONS = ['acknowledge', 'escalate', 'raiseSeverity', 'lowerSeverity', 'resolve'] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/**
 * Who an action is open to:
 * - `paged`: anyone this incident has paged so far (the users of every level paged, usergroup members included);
 * - `responders`: whoever acknowledged it or has escalated it or changed its severity;
 * - `commander`: members of the incident-commander role (`commanderRole`, a role from `roles:`);
 * - `anyone`: everyone in the channel (the behaviour before permissions existed; never a default).
 */
export const INCIDENT_AUDIENCES = ['paged', 'responders', 'commander', 'anyone'] as const;
export type IncidentAudience = (typeof INCIDENT_AUDIENCES)[number];

/** The role name `commander` means when `commanderRole` is not set; nobody holds it until `roles:` defines it. */
export const DEFAULT_COMMANDER_ROLE = 'incident-commander';

const Audiences = z
  .array(z.enum(INCIDENT_AUDIENCES, { error: `must be one of ${INCIDENT_AUDIENCES.join(', ')}` }))
  .min(1, 'name at least one of paged, responders, commander, anyone')
  .max(INCIDENT_AUDIENCES.length);

const IMMEDIATE: IncidentAudience[] = ['paged', 'responders', 'commander'];
const DECISIVE: IncidentAudience[] = ['paged', 'commander'];

/**
 * Shipped defaults: stopping the pages (acknowledge) and calling for more help (escalate) are for the people
 * involved; changing the severity and closing the incident are for the people paged and the incident commander.
 */
const PERMISSION_DEFAULTS = {
  acknowledge: IMMEDIATE,
  escalate: IMMEDIATE,
  raiseSeverity: DECISIVE,
  lowerSeverity: DECISIVE,
  resolve: DECISIVE,
} satisfies Record<IncidentAction, IncidentAudience[]>;

/** `incidents.permissions` in readiness.yaml: who may press each incident button. */
export const IncidentPermissionsConfig = z
  .strictObject({
    /** The role (from `roles:`) whose members are the `commander` audience. @defaultValue incident-commander */
    commanderRole: Slug.optional(),
    /** @defaultValue [paged, responders, commander] */
    acknowledge: Audiences.default(PERMISSION_DEFAULTS.acknowledge),
    /** @defaultValue [paged, responders, commander] */
    escalate: Audiences.default(PERMISSION_DEFAULTS.escalate),
    /** @defaultValue [paged, commander] */
    raiseSeverity: Audiences.default(PERMISSION_DEFAULTS.raiseSeverity),
    /** Lowering also asks for a reason, announced in the thread and audited. @defaultValue [paged, commander] */
    lowerSeverity: Audiences.default(PERMISSION_DEFAULTS.lowerSeverity),
    /** @defaultValue [paged, commander] */
    resolve: Audiences.default(PERMISSION_DEFAULTS.resolve),
  })
  .default(PERMISSION_DEFAULTS);
export type IncidentPermissions = z.infer<typeof IncidentPermissionsConfig>;

export const commanderRoleOf = (permissions: IncidentPermissions) => permissions.commanderRole ?? DEFAULT_COMMANDER_ROLE;

/** What is known about the person pressing the button, for the audiences the rule names. */
export interface IncidentActor {
  paged: boolean;
  responder: boolean;
  commander: boolean;
}

export type IncidentPermission =
  | { allowed: true }
  | {
      allowed: false;
      /** The readiness.yaml key that refused: `incidents.permissions.<action>`. */
      rule: `incidents.permissions.${IncidentAction}`;
      audiences: readonly IncidentAudience[];
      commanderRole: string;
    };

const HOLDS: Record<IncidentAudience, (actor: IncidentActor) => boolean> = {
  paged: (actor) => actor.paged,
  responders: (actor) => actor.responder,
  commander: (actor) => actor.commander,
  anyone: () => true,
};

/** Whether this person may take this action on the incident, and if not, which rule refused. Pure. */
export function authorizeIncidentAction(permissions: IncidentPermissions, action: IncidentAction, actor: IncidentActor): IncidentPermission {
  const audiences = permissions[action];
  if (audiences.some((audience) => HOLDS[audience](actor))) return { allowed: true };
  return { allowed: false, rule: `incidents.permissions.${action}`, audiences, commanderRole: commanderRoleOf(permissions) };
}

/** A `commanderRole` that readiness.yaml names but `roles:` does not define: nobody could ever be commander. */
export function findIncidentPermissionProblems(permissions: IncidentPermissions, roles: Readonly<Record<string, unknown>>): string[] {
  const role = permissions.commanderRole;
  if (role === undefined || Object.hasOwn(roles, role)) return [];
  const known = Object.keys(roles);
  return [
    `incidents.permissions.commanderRole: "${role}" is not defined under roles (${known.length > 0 ? known.join(', ') : 'no roles are defined'})`,
  ];
}
