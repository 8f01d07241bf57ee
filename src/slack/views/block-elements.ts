/** A Block Kit button; `value` carries the ids the handler needs (Slack allows 2000 characters). */
export const button = (actionId: string, text: string, value: string, style?: 'primary' | 'danger') => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text },
  value,
  ...(style ? { style } : {}),
});
