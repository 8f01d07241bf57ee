import { INCIDENT_SEVERITIES, type IncidentKind, type IncidentsConfig, type IncidentSeverity } from './incident-config.ts';
import type { EscalationPolicy, EscalationStep } from './incident.types.ts';

const configKey = (severity: IncidentSeverity) => severity.toLowerCase() as Lowercase<IncidentSeverity>;

/** The severity's policy from readiness.yaml, every level's timeout resolved, as it is snapshotted on an incident. */
export function policyFor(config: IncidentsConfig, severity: IncidentSeverity): EscalationPolicy {
  const policy = config.severities[configKey(severity)];
  return {
    severity,
    description: policy.description,
    respondWithinMs: policy.respondWithin,
    repeat: policy.repeat,
    levels: policy.levels.map((level) => ({
      users: [...level.users],
      usergroups: [...level.usergroups],
      roles: [...level.roles],
      timeoutMs: level.timeout ?? policy.respondWithin,
    })),
  };
}

/**
 * The step after this one: the next level, or the first level of the next round while the policy still repeats.
 * Undefined once the last level of the last round has been paged.
 */
export function nextStep(policy: EscalationPolicy, step: EscalationStep): EscalationStep | undefined {
  if (step.level + 1 < policy.levels.length) return { ...step, level: step.level + 1 };
  if (policy.levels.length > 0 && step.round < policy.repeat) return { ...step, level: 0, round: step.round + 1 };
  return undefined;
}

export const levelTimeoutMs = (policy: EscalationPolicy, level: number): number => policy.levels[level]?.timeoutMs ?? policy.respondWithinMs;

/** SEV1 is the most severe: rank 1. */
export const severityRank = (severity: IncidentSeverity) => INCIDENT_SEVERITIES.indexOf(severity) + 1;

export const isMoreSevere = (a: IncidentSeverity, than: IncidentSeverity) => severityRank(a) < severityRank(than);

/** One step more severe (SEV3 → SEV2), or undefined at SEV1. */
export const raisedSeverity = (severity: IncidentSeverity): IncidentSeverity | undefined => INCIDENT_SEVERITIES[severityRank(severity) - 2];

/** One step less severe (SEV2 → SEV3), or undefined at SEV4. */
export const loweredSeverity = (severity: IncidentSeverity): IncidentSeverity | undefined => INCIDENT_SEVERITIES[severityRank(severity)];

export function parseSeverity(text: string): IncidentSeverity | undefined {
  const upper = text.trim().toUpperCase();
  return (INCIDENT_SEVERITIES as readonly string[]).includes(upper) ? (upper as IncidentSeverity) : undefined;
}

export const runbookFor = (config: IncidentsConfig, kind: IncidentKind): string | null => config.runbooks[kind] ?? null;

/**
 * A person's incident title says what kind of trouble it is often enough to pick the right runbook; anything
 * that names neither errors nor slowness is treated as an outage.
 */
export function guessKind(title: string): IncidentKind {
  const text = title.toLowerCase();
  if (/\b(errors?|5\d\d|exceptions?|failing requests|error rate)\b/.test(text)) return 'high-error-rate';
  if (/\b(slow|slowness|latency|timeouts?|degraded|lag)\b/.test(text)) return 'slow-responses';
  return 'outage';
}

/** Where the alert goes: the configured incidents channel, else $INCIDENT_CHANNEL, else where it came from. */
export function alertChannel(config: IncidentsConfig, envChannel: string | undefined, origin: string): string {
  return config.channel ?? envChannel ?? origin;
}
