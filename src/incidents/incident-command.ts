import type { IncidentSeverity } from './incident-config.ts';
import { parseSeverity } from './severity-policy.ts';

/** What `/readiness incident …` asks for, or why it cannot be read; the Slack side words the refusal. */
export type IncidentCommandRead =
  | { ok: true; kind: 'incident'; severity: IncidentSeverity; title: string; service: string | null }
  | { ok: false; reason: 'missing_severity' }
  | { ok: false; reason: 'unknown_severity'; word: string }
  | { ok: false; reason: 'not_a_service'; rest: string; services: string[] }
  | { ok: false; reason: 'missing_title' }
  | { ok: false; reason: 'title_too_long'; length: number; max: number };

export const INCIDENT_TITLE_MAX = 120;

const OPENING_QUOTES = new Set(['"', '“', '”']);
const CLOSING_QUOTES = ['"', '”', '“'];

/** A title in double quotes (Slack may turn them into curly quotes), and what follows it. */
function quotedTitle(text: string): { title: string; rest: string } | undefined {
  if (!OPENING_QUOTES.has(text[0] ?? '')) return undefined;
  const close = Math.min(...CLOSING_QUOTES.map((mark) => text.indexOf(mark, 1)).filter((at) => at > 0));
  if (!Number.isFinite(close)) return undefined;
  return { title: text.slice(1, close).trim(), rest: text.slice(close + 1).trim() };
}

type TitleAndService = { ok: true; title: string; service: string | null } | Extract<IncidentCommandRead, { reason: 'not_a_service' }>;

/** A quoted title keeps every word; after it, only one of readiness.yaml's services may follow. */
function splitQuoted(quoted: { title: string; rest: string }, services: Record<string, unknown>): TitleAndService {
  if (quoted.rest === '') return { ok: true, title: quoted.title, service: null };
  if (/\s/.test(quoted.rest) || !Object.hasOwn(services, quoted.rest)) {
    return { ok: false, reason: 'not_a_service', rest: quoted.rest, services: Object.keys(services).sort() };
  }
  return { ok: true, title: quoted.title, service: quoted.rest };
}

/** Unquoted: the last word names the service when it is one of readiness.yaml's services. */
function splitUnquoted(text: string, services: Record<string, unknown>): TitleAndService {
  const words = text.split(/\s+/).filter((word) => word !== '');
  const last = words.at(-1);
  if (words.length > 1 && last !== undefined && Object.hasOwn(services, last)) {
    return { ok: true, title: text.slice(0, text.lastIndexOf(last)).trim(), service: last };
  }
  return { ok: true, title: text, service: null };
}

/** `/readiness incident <severity> <title> [service]`, read and validated against readiness.yaml's services. */
export function readIncidentCommand(text: string, services: Record<string, unknown>): IncidentCommandRead {
  const trimmed = text.trim();
  const severityWord = trimmed.split(/\s+/)[0] ?? '';
  if (severityWord === '') return { ok: false, reason: 'missing_severity' };
  const severity = parseSeverity(severityWord);
  if (!severity) return { ok: false, reason: 'unknown_severity', word: severityWord };
  const afterSeverity = trimmed.slice(severityWord.length).trim();
  const quoted = quotedTitle(afterSeverity);
  const split = quoted ? splitQuoted(quoted, services) : splitUnquoted(afterSeverity, services);
  if (!split.ok) return split;
  if (split.title === '') return { ok: false, reason: 'missing_title' };
  if (split.title.length > INCIDENT_TITLE_MAX) return { ok: false, reason: 'title_too_long', length: split.title.length, max: INCIDENT_TITLE_MAX };
  return { ok: true, kind: 'incident', severity, title: split.title, service: split.service };
}
