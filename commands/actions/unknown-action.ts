import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { messages } from '../../src/slack/messages.ts';

/**
 * A click on a button no listener answers (a message from an older version, a forged payload): acknowledged and
 * told so, ephemerally. Without it Bolt leaves the request unacknowledged and Slack shows only a warning sign.
 */
export function unknownAction() {
  return async ({ ack, body, respond }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const actions = 'actions' in body && Array.isArray(body.actions) ? (body.actions as { action_id?: unknown }[]) : [];
    const actionId = typeof actions[0]?.action_id === 'string' ? actions[0].action_id : 'unknown';
    await respond({ response_type: 'ephemeral', replace_original: false, text: messages.unknownButton(actionId) });
  };
}
