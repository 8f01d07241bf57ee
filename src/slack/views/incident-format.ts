export { formatElapsed } from '../../shared/duration.ts';
import type { IncidentSeverity } from '../../incidents/incident-config.ts';
import type { EscalationStep, IncidentView, PageTargets, PathSnapshot } from '../../incidents/incident.types.ts';
import { mentionUsergroup } from '../role-mentions.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';

export const SEVERITY_ICON: Record<IncidentSeverity, string> = {
  SEV1: ':red_circle:',
  SEV2: ':large_orange_circle:',
  SEV3: ':large_yellow_circle:',
  SEV4: ':white_circle:',
};

export const incidentRef = (incident: Pick<IncidentView, 'number'>) => `INC-${incident.number}`;

/** Shown in each reader's own time zone by Slack; the fallback is UTC. */
export function slackDate(date: Date): string {
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time_secs}|${fallback}>`;
}

/** `5m`, `90s`, `8h`: a timeout as configured. */
export function formatTimeout(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${(ms / 1000).toFixed(1)}s`;
}

export const mentionTargets = (targets: Pick<PageTargets, 'users' | 'usergroups'>) =>
  [...targets.users.map(mentionUser), ...targets.usergroups.map(mentionUsergroup)].join(', ');

const CAUSE_LABEL: Record<string, string> = {
  'deployment-failed': 'a failed deployment',
  rollback: 'a rollback',
  'rollback-failed': 'a failed rollback',
  'critical-check-regression': 'a critical check failing on a service that was GO',
};

export const causeLabel = (cause: string) => CAUSE_LABEL[cause] ?? `\`${escapeText(cause)}\``;

/** Who or what opened it: a person, or Readiness and why. */
export function openerLabel(incident: Pick<IncidentView, 'openedBy' | 'cause'>): string {
  if (incident.openedBy !== 'system') return mentionUser(incident.openedBy);
  return incident.cause ? `Readiness, after ${causeLabel(incident.cause)}` : 'Readiness';
}

export function serviceLabel(incident: Pick<IncidentView, 'service' | 'environment'>): string {
  if (!incident.service) return '—';
  return incident.environment ? `${escapeText(incident.service)} (${escapeText(incident.environment)})` : escapeText(incident.service);
}

/** `level 2 of 3`, with the round once the path repeats. */
export function levelLabel(path: Pick<PathSnapshot, 'levelCount' | 'repeat'>, step: Pick<EscalationStep, 'level' | 'round'>): string {
  const level = `level ${step.level + 1} of ${path.levelCount}`;
  return step.round > 0 ? `${level}, round ${step.round + 1} of ${path.repeat + 1}` : level;
}

const rolesList = (roles: readonly string[]) => roles.map((role) => `\`${escapeText(role)}\``).join(', ');

/** Who a page reached, and why some of it may have gone to the channel only. */
export function pageTargetsText(targets: PageTargets): string {
  const who = mentionTargets(targets);
  const parts: string[] = [];
  if (who) parts.push(`${who}${targets.dmUsers.length > 0 ? ' (DM sent)' : ''}`);
  if (targets.missingRoles.length > 0) {
    const noun = targets.missingRoles.length === 1 ? 'role' : 'roles';
    const verb = targets.missingRoles.length === 1 ? 'is' : 'are';
    parts.push(
      who
        ? `${noun} ${rolesList(targets.missingRoles)} ${verb} not defined in readiness.yaml, so nobody was paged for ${targets.missingRoles.length === 1 ? 'it' : 'them'}`
        : `nobody: ${noun} ${rolesList(targets.missingRoles)} ${verb} not defined in readiness.yaml, so this page goes to the channel only`,
    );
  }
  if (targets.lookupFailures.length > 0) {
    parts.push(`could not look up the members of ${targets.lookupFailures.map(mentionUsergroup).join(', ')}, so they got no DM`);
  }
  return parts.join('; ') || 'nobody';
}

/** `key: value` lines of evidence, values shortened, at most `max` lines. */
export function evidenceLines(evidence: Record<string, unknown> | null, max = 8): string[] {
  if (!evidence) return [];
  const entries = Object.entries(evidence);
  const lines = entries.slice(0, max).map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return `• ${escapeText(truncate(key, 60))}: \`${escapeText(truncate(text ?? 'null', 300)).replaceAll('`', "'")}\``;
  });
  if (entries.length > max) lines.push(`…and ${entries.length - max} more`);
  return lines;
}

export const section = (blockId: string, text: string) => ({
  type: 'section',
  block_id: blockId,
  text: { type: 'mrkdwn', text: truncate(text, 3000) },
});

export const context = (blockId: string, text: string) => ({
  type: 'context',
  block_id: blockId,
  elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }],
});
