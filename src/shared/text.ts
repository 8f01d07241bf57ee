/** Shortens text to at most `max` characters, saying that it did. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * A URL as it may be shown in messages, logs and evidence: its password replaced, in the authority and in a
 * `?password=` parameter. `unparseable` says what to show for text that is not a URL.
 */
export function redactUrl(raw: string, unparseable: 'keep' | 'hide' = 'hide'): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString();
  } catch {
    return unparseable === 'keep' ? raw : '(unparseable URL)';
  }
}

/** The first line of an error's message: what a person is shown when a dependency fails (stacks stay in the log). */
export function errorHeadline(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
