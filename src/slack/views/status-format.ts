import { escapeText, mentionUser } from '../escape.ts';

/** Shared wording of the `/readiness status` and `/readiness audit` answers. */
export const DECISION_WORD: Record<string, string> = { GO: 'GO', GO_WITH_CAUTION: 'GO WITH CAUTION', NO_GO: 'NO-GO' };

/** A verdict or decision as people say it; anything unexpected is shown as stored, escaped. */
export const decisionWord = (value: unknown): string =>
  typeof value === 'string'
    ? Object.hasOwn(DECISION_WORD, value)
      ? (DECISION_WORD[value] ?? value)
      : escapeText(value.replaceAll('_', ' '))
    : 'unknown';

export const utcMinute = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
export const utcSecond = (date: Date) => `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

export const targetText = (service: string, environment: string | null) =>
  environment === null ? `*${escapeText(service)}*` : `*${escapeText(service)} → ${escapeText(environment)}*`;

export const shortRef = (id: string) => `\`${escapeText(id.slice(0, 8))}\``;

/** A person by mention; the bot's own automatic actions by its name. */
export const actorText = (actor: string) => (actor === 'system' ? 'Readiness' : mentionUser(actor));

/** One line of free text (a reason, a title) as it may appear inside a list: no line breaks. */
export const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** `3h 12m`: how far away an instant is, at the precision a deadline needs. */
export function untilText(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
  return `${Math.floor(minutes / 1440)}d ${Math.floor((minutes % 1440) / 60)}h`;
}

/**
 * Joins whole lines up to `max` characters (a section's 3000): a line cut in half could end inside a mention or
 * an escaped entity, so lines that do not fit are counted instead.
 */
export function fitLines(lines: readonly string[], max = 3000): string {
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const left = lines.length - index;
    const room = max - length - (kept.length > 0 ? 1 : 0) - (left > 1 ? 40 : 0);
    if (line.length > room) {
      kept.push(`…and ${left} more line${left === 1 ? '' : 's'}`);
      break;
    }
    kept.push(line);
    length += line.length + (kept.length > 1 ? 1 : 0);
  }
  return kept.join('\n');
}
