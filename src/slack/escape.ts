/**
 * Slack treats `<…>` as mentions, links and `<!channel>` broadcasts and `&` as an entity: escaping these three
 * makes any user- or service-supplied text display literally.
 * https://api.slack.com/reference/surfaces/formatting#escaping
 */
export function escapeText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Shortens text to at most `max` characters, saying that it did. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Only Slack's own id shapes ever reach a mention, so a mention can never carry injected markup. */
export function mentionUser(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeText(userId);
}
