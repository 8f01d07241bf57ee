import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../shared/logger.ts';

export type Db = PrismaClient;

/** Connections of a process's main pool. @defaultValue 10 */
export const DB_POOL_SIZE = 10;

/**
 * A Prisma client over a pg pool that fails fast when Postgres is away (so a Slack handler can tell the
 * user within seconds) and reconnects by itself when it returns.
 */
export function createDb(
  databaseUrl: string,
  logger: Logger,
  options: {
    poolSize?: number | undefined;
    /** Keep idle connections open instead of closing them after 30 s (0 is pg's "never"). @defaultValue false */
    keepIdle?: boolean | undefined;
  } = {},
): Db {
  const adapter = new PrismaPg(
    {
      connectionString: databaseUrl,
      connectionTimeoutMillis: 3000,
      max: options.poolSize ?? DB_POOL_SIZE,
      idleTimeoutMillis: options.keepIdle ? 0 : 30_000,
    },
    {
      onPoolError: (error) => logger.warn('postgres pool error', { err: error.message }),
      onConnectionError: (error) => logger.warn('postgres connection error', { err: error.message }),
    },
  );
  return new PrismaClient({ adapter });
}

/**
 * Loads Prisma's query engine and opens a first pooled connection, so a process about to take jobs pays for
 * both (100–200 ms on a small machine) at start-up rather than in its first job.
 */
export async function connectDb(db: Db): Promise<void> {
  await db.$connect();
  await db.$queryRaw`SELECT 1`;
}
