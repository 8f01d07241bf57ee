import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { renderUnknownModal } from '../../src/slack/views/unknown-modal.ts';

/**
 * A modal submitted that no listener answers (opened by an older version, a forged payload): acknowledged by
 * replacing it with one that says nothing was done. Without it Bolt leaves the submission unacknowledged and Slack
 * shows only "We had some trouble connecting".
 */
export function unknownView() {
  return async ({ ack, view }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    await ack({ response_action: 'update', view: renderUnknownModal(typeof view.callback_id === 'string' ? view.callback_id : 'unknown') });
  };
}
