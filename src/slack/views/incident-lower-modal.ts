import type { IncidentSeverity, IncidentView } from '../../incidents/incident.types.ts';
import { escapeText, truncate } from '../escape.ts';
import { ids } from '../ids.ts';
import { incidentRef } from './incident-format.ts';

/** How long the reason for lowering a severity may be: it is posted in the thread and kept in the audit trail. */
export const LOWER_REASON_MAX = 500;

/** `<incidentId>/<from>/<to>`: the change the person saw, re-checked against the incident when they submit. */
export const lowerModalMetadata = (incidentId: string, from: IncidentSeverity, to: IncidentSeverity) => `${incidentId}/${from}/${to}`;

/** The modal Lower opens: why is it less severe now? The reason is required; the rest is re-checked on submit. */
export function renderLowerSeverityModal(incident: Pick<IncidentView, 'id' | 'number' | 'title' | 'severity'>, to: IncidentSeverity) {
  return {
    type: 'modal' as const,
    callback_id: ids.incident.lowerModal,
    private_metadata: lowerModalMetadata(incident.id, incident.severity, to),
    title: { type: 'plain_text' as const, text: truncate(`Lower ${incidentRef(incident)}`, 24) },
    submit: { type: 'plain_text' as const, text: `Lower to ${to}` },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'section' as const,
        block_id: 'incident_lower_intro',
        text: {
          type: 'mrkdwn' as const,
          text: truncate(
            `*${incident.severity} ${incidentRef(incident)}* — ${escapeText(incident.title)}\n` +
              `Lowering it to *${to}* changes who is paged and how soon. Why is it less severe now? The reason is posted in the incident's thread and kept in the audit trail.`,
            3000,
          ),
        },
      },
      {
        type: 'input' as const,
        block_id: ids.incident.lowerReasonBlock,
        label: { type: 'plain_text' as const, text: 'Reason' },
        element: {
          type: 'plain_text_input' as const,
          action_id: ids.incident.lowerReasonInput,
          multiline: true,
          min_length: 3,
          max_length: LOWER_REASON_MAX,
          placeholder: { type: 'plain_text' as const, text: 'Only the admin export is affected; checkout is healthy again' },
        },
      },
    ],
  };
}
