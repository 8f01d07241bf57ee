import { ids } from '../ids.ts';

export const NOTE_ACTION_ID = 'note';

/** The modal that asks an approver for conditions, or a rejecter for the reason. */
export function signoffNoteModal(input: { requestId: string; role: string; kind: 'APPROVE_WITH_CONDITIONS' | 'REJECT'; channelId: string }) {
  const rejecting = input.kind === 'REJECT';
  return {
    type: 'modal' as const,
    callback_id: ids.views.signoffNote,
    private_metadata: JSON.stringify(input),
    title: { type: 'plain_text' as const, text: rejecting ? 'Reject' : 'Approve with conditions' },
    submit: { type: 'plain_text' as const, text: rejecting ? 'Reject' : 'Approve' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Signing as *${input.role}*. ${rejecting ? 'A rejection makes the decision NO-GO until a new assessment.' : 'Every condition is listed with the decision.'}`,
          },
        ],
      },
      {
        type: 'input',
        block_id: ids.blocks.signoffNoteInput,
        label: { type: 'plain_text' as const, text: rejecting ? 'Why are you rejecting it?' : 'Conditions' },
        element: { type: 'plain_text_input', action_id: NOTE_ACTION_ID, multiline: true, max_length: 1000 },
      },
    ],
  };
}
