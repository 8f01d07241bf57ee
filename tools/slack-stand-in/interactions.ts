import type { StoredMessage, StoredView } from './web-api.ts';
import { APP_ID, TEAM_DOMAIN } from './web-api.ts';

type Json = Record<string, unknown>;

export interface ClickTarget {
  message: StoredMessage;
  actionId: string;
  userId: string;
  userName: string;
  teamId: string;
  /** Picks one button when several share the action id (one per check, say). */
  value?: string;
}

interface FoundButton {
  blockId: string;
  button: Json;
}

function buttonsIn(blocks: readonly unknown[]): FoundButton[] {
  const found: FoundButton[] = [];
  for (const block of blocks as Json[]) {
    const blockId = String(block.block_id ?? '');
    const candidates = [...((block.elements as Json[] | undefined) ?? []), ...(block.accessory ? [block.accessory as Json] : [])];
    for (const element of candidates) if (element.type === 'button') found.push({ blockId, button: element });
  }
  return found;
}

/**
 * A `block_actions` payload as Slack sends it when a user clicks a button of a message. The button must be on
 * the message as last posted or updated: a click on a button the bot no longer shows cannot happen in Slack.
 */
export function buildButtonClick(target: ClickTarget): Json {
  const buttons = buttonsIn(target.message.blocks ?? []).filter(
    ({ button }) => button.action_id === target.actionId && (target.value === undefined || button.value === target.value),
  );
  const found = buttons[0];
  if (!found) {
    const shown = buttonsIn(target.message.blocks ?? []).map(({ button }) => `${String(button.action_id)}=${String(button.value)}`);
    throw new Error(
      `the message shows no button ${target.actionId}${target.value ? `=${target.value}` : ''} (buttons: ${shown.join(', ') || 'none'})`,
    );
  }
  const { message } = target;
  const user = { id: target.userId, username: target.userName, name: target.userName, team_id: target.teamId };
  return {
    type: 'block_actions',
    user,
    api_app_id: APP_ID,
    token: 'stand-in-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    team: { id: target.teamId, domain: TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: message.channel.toLowerCase() },
    message: {
      type: 'message',
      ts: message.ts,
      text: message.text,
      blocks: message.blocks,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    },
    state: { values: {} },
    actions: [
      {
        type: 'button',
        action_id: target.actionId,
        block_id: found.blockId,
        text: found.button.text,
        ...(found.button.value !== undefined ? { value: found.button.value } : {}),
        action_ts: (Date.now() / 1000).toFixed(6),
      },
    ],
  };
}

export interface ViewSubmission {
  view: StoredView;
  userId: string;
  userName: string;
  teamId: string;
  /** Input values by action id; the block id is taken from the modal as the app opened it. */
  values: Record<string, string>;
}

/** A `view_submission` payload for a modal the app opened, with plain-text input values filled in. */
export function buildViewSubmission(submission: ViewSubmission): Json {
  const view = submission.view.view;
  const values: Record<string, Record<string, Json>> = {};
  const remaining = new Set(Object.keys(submission.values));
  for (const block of (view.blocks as Json[] | undefined) ?? []) {
    if (block.type !== 'input') continue;
    const element = block.element as Json;
    const actionId = String(element.action_id);
    const value = submission.values[actionId];
    remaining.delete(actionId);
    values[String(block.block_id)] = { [actionId]: { type: element.type, value: value ?? null } };
  }
  if (remaining.size > 0) throw new Error(`the modal has no input ${[...remaining].join(', ')}`);
  return {
    type: 'view_submission',
    team: { id: submission.teamId, domain: TEAM_DOMAIN },
    user: { id: submission.userId, username: submission.userName, name: submission.userName, team_id: submission.teamId },
    api_app_id: APP_ID,
    token: 'stand-in-verification-token',
    view: {
      ...view,
      id: submission.view.id,
      hash: submission.view.hash,
      team_id: submission.teamId,
      app_id: APP_ID,
      state: { values },
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}
