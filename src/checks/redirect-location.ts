import { redactUrl } from '../shared/text.ts';

/** A Location header as it may be shown: absolute, credentials redacted. */
export function absoluteLocation(location: string, base: URL): string {
  try {
    return redactUrl(new URL(location, base).href, 'keep');
  } catch {
    return redactUrl(location, 'keep');
  }
}
