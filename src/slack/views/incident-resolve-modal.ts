import type { IncidentView } from '../../incidents/incident.types.ts';
import { RESOLUTION_SUMMARY_MAX } from '../../incidents/resolve-incident.ts';
import { escapeText, truncate } from '../escape.ts';
import { ids } from '../ids.ts';
import { incidentRef } from './incident-format.ts';

/** The modal Resolve opens: a short summary is required; the incident id travels in private_metadata. */
export function renderResolveModal(incident: Pick<IncidentView, 'id' | 'number' | 'title' | 'severity'>) {
  return {
    type: 'modal' as const,
    callback_id: ids.incident.resolveModal,
    private_metadata: incident.id,
    title: { type: 'plain_text' as const, text: truncate(`Resolve ${incidentRef(incident)}`, 24) },
    submit: { type: 'plain_text' as const, text: 'Resolve' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'section' as const,
        block_id: 'incident_resolve_intro',
        text: {
          type: 'mrkdwn' as const,
          text: truncate(
            `*${incident.severity} ${incidentRef(incident)}* — ${escapeText(incident.title)}\nWhat fixed it? The summary goes into the timeline and the post-incident review.`,
            3000,
          ),
        },
      },
      {
        type: 'input' as const,
        block_id: ids.incident.summaryBlock,
        label: { type: 'plain_text' as const, text: 'Summary' },
        element: {
          type: 'plain_text_input' as const,
          action_id: ids.incident.summaryInput,
          multiline: true,
          min_length: 3,
          max_length: RESOLUTION_SUMMARY_MAX,
          placeholder: { type: 'plain_text' as const, text: 'Rolled back to v1.4.2; error rate back under 0.1%' },
        },
      },
    ],
  };
}
