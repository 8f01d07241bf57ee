import { pathOf, type IncidentView } from '../../incidents/incident.types.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { formatElapsed, incidentRef, levelLabel, serviceLabel, SEVERITY_ICON } from './incident-format.ts';

const MAX_LISTED = 30;

function stateOf(incident: IncidentView): string {
  if (incident.status === 'ACKNOWLEDGED') return `acknowledged by ${mentionUser(incident.acknowledgedBy ?? '')}`;
  if (incident.policy.levels.length === 0) return 'in the ticket queue';
  if (!incident.escalationDueAt) return '*not acknowledged*, escalation stopped';
  return `*not acknowledged*, paging ${levelLabel(pathOf(incident.policy), incident)}`;
}

/** `/readiness incidents`: unresolved incidents, most severe first (the repository's order). */
export function renderOpenIncidents(incidents: readonly IncidentView[], now: Date): string {
  if (incidents.length === 0) return ':white_check_mark: No open incidents.';
  const lines = incidents.slice(0, MAX_LISTED).map((incident) => {
    const age = formatElapsed((now.getTime() - incident.createdAt.getTime()) / 1000);
    const service = incident.service ? ` · ${serviceLabel(incident)}` : '';
    return (
      `${SEVERITY_ICON[incident.severity]} *${incident.severity}* ${incidentRef(incident)} · ${escapeText(truncate(incident.title, 100))}${service}` +
      ` · open ${age} · ${stateOf(incident)} · <#${incident.channelId}>`
    );
  });
  if (incidents.length > MAX_LISTED) lines.push(`…and ${incidents.length - MAX_LISTED} more`);
  const count = incidents.length === 1 ? '1 open incident' : `${incidents.length} open incidents`;
  return truncate(`*${count}*, most severe first:\n${lines.join('\n')}`, 3900);
}
