import { redactText } from './redact.ts';

/**
 * What may be said about a dependency that failed (`/readyz`, the CLI's database errors): the driver's own sentence
 * (Prisma puts it on the last line, after its "Invalid invocation" preamble), never the credentials of a
 * connection string.
 */
export function describeProbeFailure(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const lines = raw
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const last = lines.at(-1) ?? '';
  const sentence = /Message: `(.+)`/.exec(last)?.[1] ?? last;
  // The whole userinfo, to its last '@' (a raw '@' in a password), and a libpq `password=` too.
  return redactText(sentence || 'unavailable')
    .replace(/\/\/[^/\s]*@/g, '//***@')
    .slice(0, 300);
}
