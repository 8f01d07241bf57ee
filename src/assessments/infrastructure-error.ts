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

/**
 * Prisma's codes for "the database did not answer": can't reach (P1001), timed out reaching or running (P1002,
 * P1008), server closed the connection (P1017), no pool connection in time (P2024), too many connections (P2037).
 * Not the others: a unique violation (P2002) or a missing row (P2025) is a bug or a race that retrying for 16
 * minutes would not fix, and must not be reported as an outage.
 */
const PRISMA_CONNECTIVITY = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/** The pg driver adapter's kinds for the same (it maps ECONNREFUSED/ENOTFOUND, ECONNRESET, ETIMEDOUT to them). */
const ADAPTER_CONNECTIVITY = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/**
 * Postgres's own: connection exceptions (class 08), shut down or starting (57P01-57P03), too many connections
 * (53300). The adapter passes these through as kind "postgres" with the code; Prisma then reports P2010/P2039.
 */
const PG_CONNECTIVITY = /^(08...|57P0[123]|53300)$/;
/**
 * Node socket errors. Only believed inside a Prisma error (Prisma talks to our database only); a bare one may be
 * a release's webhook or a check's target, which is not ours. The adapter leaves EPIPE (and the pool's timeouts,
 * and pg's "Connection terminated unexpectedly") unmapped, so Prisma carries them only in its message.
 */
const SOCKET_CODES = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)\b/;
const PG_CONNECTION_MESSAGES =
  /Connection terminated unexpectedly|Connection terminated due to connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server/;
/**
 * ioredis: the connection dropped under a command ("Connection is closed."), a command outlived its reconnection
 * attempts (MaxRetriesPerRequestError), the offline queue is off ("Stream isn't writeable"), or the server replied
 * it cannot serve now (loading its data, busy with a script, a replica mid-failover). Not every ReplyError: WRONGTYPE
 * or a script error is a bug. BullMQ's "Missing lock for job" is not here either: it means another worker took the
 * job over (a stall), which BullMQ handles, not that Redis is away.
 */
const REDIS_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
const REDIS_MESSAGES = /^(Connection is closed\.?|Stream isn't writeable)|^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN)\b/;

const isPrismaError = (link: Record<string, unknown>) => /^PrismaClient/.test(text(link.name));

/** What a Prisma error says about the connection: its code, its driver adapter error, its message. */
function prismaSaysDatabaseDown(link: Record<string, unknown>): boolean {
  if (PRISMA_CONNECTIVITY.has(text(link.code)) || PRISMA_CONNECTIVITY.has(text(link.errorCode))) return true;
  const meta = link.meta as { driverAdapterError?: unknown } | undefined;
  if (adapterSaysDatabaseDown(meta?.driverAdapterError)) return true;
  const message = text(link.message);
  return PG_CONNECTION_MESSAGES.test(message) || SOCKET_CODES.test(message);
}

/** A DriverAdapterError (thrown by @prisma/adapter-pg, kept in a Prisma error's meta): its mapped cause. */
function adapterSaysDatabaseDown(error: unknown): boolean {
  const cause = (error as { name?: unknown; cause?: { kind?: unknown; code?: unknown; originalCode?: unknown } } | null)?.cause;
  if (text((error as { name?: unknown } | null)?.name) !== 'DriverAdapterError' || !cause) return false;
  return ADAPTER_CONNECTIVITY.has(text(cause.kind)) || PG_CONNECTIVITY.test(text(cause.originalCode ?? cause.code));
}

/**
 * Which part of our own infrastructure an error came from, told by its shape (its name, code and message, and
 * those of its causes), so domain code needs neither Prisma nor ioredis. Only connectivity counts: our database or
 * Redis not answering, which waiting fixes. Anything else, even a database error (a unique violation, a missing
 * row), is `internal`: tried a few times and then reported as what it is.
 */
export function classifyInfrastructureError(error: unknown): InfrastructureComponent {
  for (const link of chain(error)) {
    if (isPrismaError(link) ? prismaSaysDatabaseDown(link) : adapterSaysDatabaseDown(link)) return 'database';
    // pg's own message when the socket closes mid-query, even if no Prisma error wraps it.
    if (/^Connection terminated unexpectedly$/.test(text(link.message))) return 'database';
    if (REDIS_NAMES.has(text(link.name)) || REDIS_MESSAGES.test(text(link.message))) return 'redis';
  }
  return 'internal';
}

/** A short, single-line description of the error for a cause shown to people. */
export function infrastructureErrorDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((part) => part.trim().length > 0) ?? message;
  return line.trim().slice(0, 200);
}
