import { z } from 'zod';
import { Slug } from '../checks/check-base.ts';
import { Duration } from '../shared/duration.ts';
import { SlackChannelId, SlackUserId, SlackUsergroupId } from '../config/slack-ids.ts';
import { IncidentPermissionsConfig } from './incident-permissions.ts';

export const INCIDENT_SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** The kinds of incident a runbook can be attached to. */
export const INCIDENT_KINDS = ['high-error-rate', 'slow-responses', 'outage'] as const;
export const IncidentKind = z.enum(INCIDENT_KINDS);
export type IncidentKind = z.infer<typeof IncidentKind>;

/**
 * One step of an escalation path: who is paged (mentioned in the incidents channel and sent a DM) and how long
 * they have to acknowledge before the next level is paged. A role that readiness.yaml does not define pages no
 * one: the page goes to the channel only and says so.
 */
export const EscalationLevelConfig = z
  .strictObject({
    users: z.array(SlackUserId).default([]),
    usergroups: z.array(SlackUsergroupId).default([]),
    /** Names from the top-level `roles:` map. */
    roles: z.array(Slug).default([]),
    /** @defaultValue the severity's `respondWithin` */
    timeout: Duration.optional(),
  })
  .refine((level) => level.users.length + level.usergroups.length + level.roles.length > 0, 'a level needs at least one user, usergroup or role');
export type EscalationLevelConfig = z.infer<typeof EscalationLevelConfig>;

interface SeverityDefaults {
  description: string;
  respondWithin: number;
  roles: string[];
  repeat: number;
}

const MINUTE = 60_000;

/** The shipped policy; levels name roles, so it validates whether or not `roles:` defines them. */
const SEVERITY_DEFAULTS: Record<IncidentSeverity, SeverityDefaults> = {
  SEV1: { description: 'outage, data loss, security breach', respondWithin: 5 * MINUTE, roles: ['on-call', 'tech-lead', 'cto'], repeat: 2 },
  SEV2: { description: 'major degradation (>50%), several features broken', respondWithin: 15 * MINUTE, roles: ['on-call', 'tech-lead'], repeat: 1 },
  SEV3: { description: 'one feature broken, minor degradation', respondWithin: 60 * MINUTE, roles: ['on-call'], repeat: 0 },
  SEV4: { description: 'cosmetic, low urgency', respondWithin: 8 * 60 * MINUTE, roles: [], repeat: 0 },
};

function defaultPolicy(defaults: SeverityDefaults) {
  const levels: EscalationLevelConfig[] = defaults.roles.map((role) => ({ users: [], usergroups: [], roles: [role] }));
  return { description: defaults.description, respondWithin: defaults.respondWithin, levels, repeat: defaults.repeat };
}

function severityPolicy(defaults: SeverityDefaults) {
  const value = defaultPolicy(defaults);
  return z
    .strictObject({
      description: z.string().min(1).max(300).default(defaults.description),
      /** How soon someone must acknowledge; also the timeout of every level that sets none. */
      respondWithin: Duration.default(defaults.respondWithin),
      /** Paged in order; empty means a ticket queue: the alert goes to the channel and no one is paged. */
      levels: z.array(EscalationLevelConfig).max(10).default(value.levels),
      /** How many more times the whole path is paged after its last level; then escalation stops. */
      repeat: z.number().int().min(0).max(10).default(defaults.repeat),
    })
    .default(value);
}

const severitiesDefault = {
  sev1: defaultPolicy(SEVERITY_DEFAULTS.SEV1),
  sev2: defaultPolicy(SEVERITY_DEFAULTS.SEV2),
  sev3: defaultPolicy(SEVERITY_DEFAULTS.SEV3),
  sev4: defaultPolicy(SEVERITY_DEFAULTS.SEV4),
};

const SeveritySlug = z.enum(['sev1', 'sev2', 'sev3', 'sev4']);

/** `incidents:` in readiness.yaml: the severity policy, runbooks per incident kind, and where alerts go. */
export const IncidentsConfig = z
  .strictObject({
    /** The incidents channel. @defaultValue $INCIDENT_CHANNEL, else the channel the incident was opened from */
    channel: SlackChannelId.optional(),
    severities: z
      .strictObject({
        sev1: severityPolicy(SEVERITY_DEFAULTS.SEV1),
        sev2: severityPolicy(SEVERITY_DEFAULTS.SEV2),
        sev3: severityPolicy(SEVERITY_DEFAULTS.SEV3),
        sev4: severityPolicy(SEVERITY_DEFAULTS.SEV4),
      })
      .default(severitiesDefault),
    /** A runbook link per incident kind, attached to the alert. */
    runbooks: z.partialRecord(IncidentKind, z.url({ error: 'must be a URL' })).default({}),
    /** The severity of the incident the bot opens when a critical check fails on a service that was GO. @defaultValue sev2 */
    checkRegressionSeverity: SeveritySlug.default('sev2'),
    /** Who may press each incident button; safe defaults when absent (see incident-permissions.ts). */
    permissions: IncidentPermissionsConfig,
  })
  .default({ severities: severitiesDefault, runbooks: {}, checkRegressionSeverity: 'sev2', permissions: IncidentPermissionsConfig.parse(undefined) });
export type IncidentsConfig = z.infer<typeof IncidentsConfig>;
