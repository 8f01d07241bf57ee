import type { InboxEntry, InboxKind } from '../intake/request-inbox.ports.ts';
import { ids } from './ids.ts';

/**
 * The Slack request inbox: what of a Slack request is recorded before its ack, and under which key. Pure.
 *
 * Recorded: every slash command but the read-only ones, and every button click and modal submission except the
 * clicks that only open a modal (their trigger_id expires in 3 s, so a replay could not open it anyway; the
 * modal's submission is what changes state, and it is recorded). The entry and its store are the intake port's
 * (src/intake/request-inbox.ports.ts).
 */

/**
 * Subcommands that change nothing, and `run`, whose own intake job (jobs/intake.ts) already makes it durable
 * before the ack. Anything else, including a subcommand added later, is recorded.
 */
export const UNRECORDED_SUBCOMMANDS: ReadonlySet<string> = new Set(['', 'help', 'status', 'audit', 'incidents', 'digest', 'run']);

/** Buttons that only open a modal: nothing to replay (see above). */
export const MODAL_OPENING_ACTIONS: ReadonlySet<string> = new Set([
  ids.actions.approveWithConditions,
  ids.actions.reject,
  ids.incident.resolve,
  ids.incident.lower,
]);

/** Slack's legacy verification token and the response URLs never reach a row. */
const NOT_STORED = new Set(['token', 'response_url', 'response_urls']);

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

function kindOf(body: Record<string, unknown>): InboxKind | undefined {
  if (text(body.command) !== undefined) return 'command';
  if (body.type === 'block_actions') return 'block_actions';
  if (body.type === 'view_submission') return 'view_submission';
  return undefined;
}

function isRecorded(kind: InboxKind, body: Record<string, unknown>): boolean {
  if (kind === 'command') {
    const subcommand = (text(body.text) ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    return !UNRECORDED_SUBCOMMANDS.has(subcommand);
  }
  if (kind === 'block_actions') {
    const actions = Array.isArray(body.actions) ? body.actions : [];
    return actions.some((action) => !MODAL_OPENING_ACTIONS.has(String(record(action)?.action_id ?? '')));
  }
  return true;
}

/**
 * A click has no trigger_id only in payloads Slack does not send today; then the click's own coordinates, which a
 * redelivery repeats, make the key.
 */
function requestId(kind: InboxKind, body: Record<string, unknown>): string | undefined {
  const trigger = text(body.trigger_id);
  if (trigger !== undefined) return trigger;
  if (kind !== 'block_actions') return undefined;
  const action = record(Array.isArray(body.actions) ? body.actions[0] : undefined);
  const container = record(body.container);
  const parts = [text(action?.action_ts), text(action?.action_id), text(container?.message_ts) ?? text(container?.view_id)];
  return parts.every((part) => part !== undefined) ? parts.join('/') : undefined;
}

function userOf(kind: InboxKind, body: Record<string, unknown>): string | undefined {
  return kind === 'command' ? text(body.user_id) : text(record(body.user)?.id);
}

/** The inbox entry of a request, or undefined when it is not recorded (read-only, or not a request we handle). */
export function inboxEntryOf(payload: unknown): InboxEntry | undefined {
  const body = record(payload);
  if (!body) return undefined;
  const kind = kindOf(body);
  if (!kind || !isRecorded(kind, body)) return undefined;
  const id = requestId(kind, body);
  const userId = userOf(kind, body);
  if (id === undefined || userId === undefined) return undefined;
  const stored = Object.fromEntries(Object.entries(body).filter(([name]) => !NOT_STORED.has(name)));
  return { key: `${kind}:${id}`.slice(0, 300), kind, userId, body: stored, responseUrl: text(body.response_url) ?? null };
}

/** The payload a replay hands to the handlers: what was stored, with the response URL put back while it is kept. */
export function replayBody(stored: { body: Record<string, unknown>; responseUrl: string | null }): Record<string, unknown> {
  return stored.responseUrl === null ? { ...stored.body } : { ...stored.body, response_url: stored.responseUrl };
}
