import { INCIDENT_SEVERITIES, type IncidentsConfig } from '../incidents/incident-config.ts';
import { readIncidentCommand, type IncidentCommandRead } from '../incidents/incident-command.ts';
import { escapeText, truncate } from './escape.ts';

export type IncidentCommand = Extract<IncidentCommandRead, { ok: true }> | { ok: false; message: string };

export const INCIDENT_USAGE =
  'Usage: `/readiness incident &lt;sev1|sev2|sev3|sev4&gt; &lt;title&gt; [service]`, e.g. `/readiness incident sev2 Checkout answers 500s checkout`. ' +
  'Quote a title that ends in a service name: `/readiness incident sev3 "Slow search" search`.';

const quote = (text: string) => `\`${escapeText(truncate(text, 80))}\``;

function severityList(config: IncidentsConfig): string {
  return INCIDENT_SEVERITIES.map((severity) => {
    const policy = config.severities[severity.toLowerCase() as 'sev1'];
    return `\`${severity.toLowerCase()}\` ${escapeText(policy.description)}`;
  }).join('; ');
}

/** Every refusal says what would work. */
function refusalMessage(refusal: Extract<IncidentCommandRead, { ok: false }>, config: IncidentsConfig): string {
  switch (refusal.reason) {
    case 'missing_severity':
      return `How severe is it? ${severityList(config)}.\n${INCIDENT_USAGE}`;
    case 'unknown_severity':
      return `${quote(refusal.word)} is not a severity. Use ${severityList(config)}.\n${INCIDENT_USAGE}`;
    case 'not_a_service':
      return `After the quoted title I expected one service name, not ${quote(refusal.rest)}. Services: ${refusal.services
        .map((name) => `\`${name}\``)
        .join(', ')}.`;
    case 'missing_title':
      return `What is wrong? Give the incident a title.\n${INCIDENT_USAGE}`;
    case 'title_too_long':
      return `Keep the title to ${refusal.max} characters (yours has ${refusal.length}): it heads the alert. Put the details in the alert's thread.`;
  }
}

/** `/readiness incident <severity> <title> [service]`: the domain reads it, and a refusal is worded here. */
export function parseIncidentCommand(text: string, config: { incidents: IncidentsConfig; services: Record<string, unknown> }): IncidentCommand {
  const read = readIncidentCommand(text, config.services);
  return read.ok ? read : { ok: false, message: refusalMessage(read, config.incidents) };
}
