import type { SignoffBadge } from '../../approvals/badge.ts';
import { ids } from '../ids.ts';
import { button } from './block-elements.ts';
import { DECISION_WORD } from './decision-word.ts';

/** The assessment message's sign-off block: the button to ask for sign-off, or a line saying where it stands. */
export function signoffBadgeBlock(assessmentId: string, badge: SignoffBadge): Record<string, unknown> {
  if (badge.state === 'available') {
    return {
      type: 'actions',
      block_id: ids.blocks.assessmentSignoff,
      elements: [button(ids.actions.requestSignoff, 'Request sign-off', assessmentId, 'primary')],
    };
  }
  const text = badge.override
    ? ':rotating_light: *OVERRIDE — decision GO* (see the thread)'
    : badge.status === 'PENDING'
      ? `:ballot_box_with_check: Sign-off in progress in the thread — ${badge.missing} role${badge.missing === 1 ? '' : 's'} still to sign`
      : badge.status === 'APPROVED'
        ? `:white_check_mark: Signed off — decision *${DECISION_WORD[badge.decision ?? 'GO']}* (see the thread)`
        : badge.status === 'REJECTED'
          ? ':no_entry: Sign-off rejected — decision *NO-GO* (see the thread)'
          : badge.status === 'EXPIRED'
            ? ':hourglass: The sign-off request expired'
            : ':warning: Sign-off stale: a newer assessment replaced this one';
  return { type: 'context', block_id: ids.blocks.assessmentSignoff, elements: [{ type: 'mrkdwn', text }] };
}
