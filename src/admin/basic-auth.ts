import { createHash, timingSafeEqual } from 'node:crypto';

/** A user name and password a person types into the browser's prompt. */
export interface BasicCredential {
  user: string;
  password: string;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether an `Authorization: Basic …` header carries exactly this credential. Both parts are compared through
 * their hashes in constant time, and both always are, so timing tells nothing about which part or how much matched.
 */
export function basicAuthMatches(header: string | undefined, expected: BasicCredential): boolean {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/i.exec((header ?? '').trim())?.[1];
  const decoded = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? '' : decoded.slice(0, colon);
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  const userMatches = timingSafeEqual(digest(user), digest(expected.user));
  const passwordMatches = timingSafeEqual(digest(password), digest(expected.password));
  return userMatches && passwordMatches && colon !== -1;
}
