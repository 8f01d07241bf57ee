import type { InfrastructureComponent } from './infrastructure-retry.ts';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The error and its causes, outermost first (Prisma wraps the driver's error). */
function chain(error: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  let current = error;
  while (typeof current === 'object' && current !== null && found.length < 5) {
    found.push(current as Record<string, unknown>);
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}

const DATABASE = /prisma|postgres|database|DriverAdapter|pg_|connection terminated|P1001|P1017|P2024/i;
const REDIS = /redis|MaxRetriesPerRequest|Connection is closed|Stream isn't writeable|ReplyError|\bBUSY\b|LOADING/i;

/**
 * Which part of our own infrastructure an error came from, told by its shape (its name, code and message, and
 * those of its causes), so domain code needs neither Prisma nor ioredis. `internal` when neither.
 */
export function classifyInfrastructureError(error: unknown): InfrastructureComponent {
  for (const link of chain(error)) {
    const described = `${text(link.name)} ${text(link.code)} ${text(link.message)} ${text(link.constructor && (link.constructor as { name?: unknown }).name)}`;
    if (DATABASE.test(described)) return 'database';
    if (REDIS.test(described)) return 'redis';
  }
  return 'internal';
}

/** A short, single-line description of the error for a cause shown to people. */
export function infrastructureErrorDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((part) => part.trim().length > 0) ?? message;
  return line.trim().slice(0, 200);
}
