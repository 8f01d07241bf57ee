/**
 * Slack treats `<…>` as mentions, links and `<!channel>` broadcasts and `&` as an entity: escaping these three
 * makes any user- or service-supplied text display literally.
 * https://api.slack.com/reference/surfaces/formatting#escaping
 */
export function escapeText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export { truncate } from '../shared/text.ts';

/** Only Slack's own id shapes ever reach a mention, so a mention can never carry injected markup. */
export function mentionUser(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeText(userId);
}
