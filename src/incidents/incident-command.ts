import { escapeText, truncate } from '../slack/escape.ts';
import { INCIDENT_SEVERITIES, type IncidentsConfig, type IncidentSeverity } from './incident-config.ts';
import { parseSeverity } from './severity-policy.ts';

export type IncidentCommand =
  | { ok: true; kind: 'incident'; severity: IncidentSeverity; title: string; service: string | null }
  | { ok: false; message: string };

export const INCIDENT_TITLE_MAX = 120;

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

const OPENING_QUOTES = new Set(['"', '“', '”']);
const CLOSING_QUOTES = ['"', '”', '“'];

/** A title in double quotes (Slack may turn them into curly quotes), and what follows it. */
function quotedTitle(text: string): { title: string; rest: string } | undefined {
  if (!OPENING_QUOTES.has(text[0] ?? '')) return undefined;
  const close = Math.min(...CLOSING_QUOTES.map((mark) => text.indexOf(mark, 1)).filter((at) => at > 0));
  if (!Number.isFinite(close)) return undefined;
  return { title: text.slice(1, close).trim(), rest: text.slice(close + 1).trim() };
}

/**
 * `/readiness incident <severity> <title> [service]`: the last word names the service when it is one of
 * readiness.yaml's services (a quoted title keeps every word). Every refusal says what would work.
 */
export function parseIncidentCommand(text: string, config: { incidents: IncidentsConfig; services: Record<string, unknown> }): IncidentCommand {
  const trimmed = text.trim();
  const severityWord = trimmed.split(/\s+/)[0] ?? '';
  if (severityWord === '') return { ok: false, message: `How severe is it? ${severityList(config.incidents)}.\n${INCIDENT_USAGE}` };
  const severity = parseSeverity(severityWord);
  if (!severity) {
    return { ok: false, message: `${quote(severityWord)} is not a severity. Use ${severityList(config.incidents)}.\n${INCIDENT_USAGE}` };
  }
  const afterSeverity = trimmed.slice(severityWord.length).trim();
  const isService = (word: string) => Object.hasOwn(config.services, word);
  let title: string;
  let service: string | null = null;
  const quoted = quotedTitle(afterSeverity);
  if (quoted) {
    title = quoted.title;
    if (quoted.rest !== '') {
      if (/\s/.test(quoted.rest) || !isService(quoted.rest)) {
        return {
          ok: false,
          message: `After the quoted title I expected one service name, not ${quote(quoted.rest)}. Services: ${Object.keys(config.services)
            .sort()
            .map((name) => `\`${name}\``)
            .join(', ')}.`,
        };
      }
      service = quoted.rest;
    }
  } else {
    const words = afterSeverity.split(/\s+/).filter((word) => word !== '');
    const last = words.at(-1);
    if (words.length > 1 && last !== undefined && isService(last)) {
      service = last;
      title = afterSeverity.slice(0, afterSeverity.lastIndexOf(last)).trim();
    } else {
      title = afterSeverity;
    }
  }
  if (title === '') return { ok: false, message: `What is wrong? Give the incident a title.\n${INCIDENT_USAGE}` };
  if (title.length > INCIDENT_TITLE_MAX) {
    return {
      ok: false,
      message: `Keep the title to ${INCIDENT_TITLE_MAX} characters (yours has ${title.length}): it heads the alert. Put the details in the alert's thread.`,
    };
  }
  return { ok: true, kind: 'incident', severity, title, service };
}
