import type { IncidentAccess } from '../../incidents/incident-access.ts';
import type { IncidentAction, IncidentAudience } from '../../incidents/incident-permissions.ts';
import type { IncidentView } from '../../incidents/incident.types.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { incidentRef, slackDate } from './incident-format.ts';

const ref = (incident: IncidentView | undefined) => (incident ? `*${incidentRef(incident)}*` : 'This incident');

/** Every sentence the incident edges say to a user, in one place. */
export const incidentReplies = {
  opening: (severity: string, title: string, channel: string) =>
    `:rotating_light: Opening a *${severity}* incident “${escapeText(truncate(title, 120))}” — the alert will appear in <#${channel}>.`,
  lookingUp: ':mag: Looking up open incidents…',
  cannotPostAlert: (incident: IncidentView, slackError: string) =>
    `${ref(incident)} is recorded, but Slack refused the alert in <#${incident.channelId}> (\`${escapeText(slackError)}\`). ` +
    'Invite me there with `/invite @Readiness`, or set `incidents.channel` / `INCIDENT_CHANNEL` to a channel I am in.',
  notFound: 'That incident no longer exists.',
  alreadyAcknowledged: (incident: IncidentView | undefined) =>
    incident?.acknowledgedBy
      ? `${ref(incident)} was already acknowledged by ${mentionUser(incident.acknowledgedBy)}${incident.acknowledgedAt ? ` at ${slackDate(incident.acknowledgedAt)}` : ''}. Nothing changed.`
      : `${ref(incident)} was already acknowledged. Nothing changed.`,
  alreadyResolved: (incident: IncidentView | undefined) =>
    incident?.resolvedBy
      ? `${ref(incident)} was already resolved by ${mentionUser(incident.resolvedBy)}${incident.resolvedAt ? ` at ${slackDate(incident.resolvedAt)}` : ''}. Nothing changed.`
      : `${ref(incident)} is already resolved. Nothing changed.`,
  staleEscalation: (incident: IncidentView | undefined) =>
    `${ref(incident)} has moved on since this message was shown (someone escalated or changed the severity). Nothing changed; the alert shows where it stands now.`,
  lastLevel: (incident: IncidentView | undefined) => `${ref(incident)} has already paged the last level of its escalation path. Nothing changed.`,
  staleSeverity: (incident: IncidentView | undefined) =>
    `${ref(incident)} is ${incident ? `now *${incident.severity}*` : 'at another severity now'}: someone changed it first. Nothing changed.`,
  summaryTooShort: 'Say in a few words what fixed it (at least 3 characters).',
  lowerReasonTooShort: 'Say in a few words why it is less severe now (3 to 500 characters).',
};

const ACTION_WORDS: Record<IncidentAction, string> = {
  acknowledge: 'acknowledge',
  escalate: 'escalate',
  raiseSeverity: 'raise the severity of',
  lowerSeverity: 'lower the severity of',
  resolve: 'resolve',
};

function audienceWords(audience: IncidentAudience, incident: IncidentView, commanderRole: string): string {
  switch (audience) {
    case 'paged':
      return `the people ${incidentRef(incident)} has paged`;
    case 'responders':
      return 'its responders (whoever acknowledged, escalated or changed its severity)';
    case 'commander':
      return `members of the *${escapeText(commanderRole)}* role`;
    case 'anyone':
      return 'anyone';
  }
}

/** A click the rule refused: who may do it instead, and the readiness.yaml key that says so. */
export function incidentNotPermitted(refusal: Extract<IncidentAccess, { reason: 'not_permitted' }>): string {
  const who = refusal.audiences.map((audience) => audienceWords(audience, refusal.incident, refusal.commanderRole));
  const list = who.length > 1 ? `${who.slice(0, -1).join(', ')} or ${who.at(-1) ?? ''}` : (who[0] ?? 'nobody');
  return `:no_entry: Only ${list} may ${ACTION_WORDS[refusal.action]} ${ref(refusal.incident)} (rule \`${refusal.rule}\` in readiness.yaml). Nothing changed.`;
}

export type IncidentRefusalReason =
  | 'not_found'
  | 'duplicate'
  | 'already_acknowledged'
  | 'resolved'
  | 'already_resolved'
  | 'stale'
  | 'last_level'
  | 'same';

/** What a person is told when a button changed nothing, and why. */
export function incidentRefusal(reason: IncidentRefusalReason, incident: IncidentView | undefined): string {
  switch (reason) {
    case 'not_found':
      return incidentReplies.notFound;
    case 'duplicate':
      return `${ref(incident)}: that was already done. Nothing changed.`;
    case 'already_acknowledged':
      return incidentReplies.alreadyAcknowledged(incident);
    case 'resolved':
    case 'already_resolved':
      return incidentReplies.alreadyResolved(incident);
    case 'stale':
      return incident && incident.status !== 'RESOLVED' ? incidentReplies.staleEscalation(incident) : incidentReplies.alreadyResolved(incident);
    case 'last_level':
      return incidentReplies.lastLevel(incident);
    case 'same':
      return incidentReplies.staleSeverity(incident);
  }
}
