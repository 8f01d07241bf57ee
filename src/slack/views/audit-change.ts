import { escapeText, truncate } from '../escape.ts';
import { decisionWord } from './status-format.ts';

type State = Record<string, unknown> | null;

const VALUE_CHARS = 40;
const MAX_CHANGES = 4;
/** Keys whose values are verdicts or decisions, said the way people say them (NO_GO -> NO-GO). */
const DECISION_KEYS = new Set(['verdict', 'decision']);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function valueText(key: string, value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (DECISION_KEYS.has(key) && typeof value === 'string') return decisionWord(value);
  if (typeof value === 'string') return escapeText(truncate(value, VALUE_CHARS));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return escapeText(truncate(JSON.stringify(value), VALUE_CHARS));
}

/**
 * What an audited action changed, from the state it found to the state it left: `status PENDING → OVERRIDDEN,
 * decision – → GO`. Only the fields that changed; `–` is "none" (the subject or field did not exist yet). Undefined
 * for events recorded before before/after were kept. Escaped and bounded: the values come from the database.
 */
export function describeStateChange(before: State, after: State): string | undefined {
  if (before === null && after === null) return undefined;
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const changed = keys.filter((key) => !same(before?.[key], after?.[key]));
  if (changed.length === 0) return 'no change';
  const parts = changed
    .slice(0, MAX_CHANGES)
    .map((key) => `${escapeText(truncate(key, VALUE_CHARS))} ${valueText(key, before?.[key])} → ${valueText(key, after?.[key])}`);
  const more = changed.length > MAX_CHANGES ? ` (+${changed.length - MAX_CHANGES} more)` : '';
  return `${parts.join(', ')}${more}`;
}
