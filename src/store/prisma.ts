import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../shared/logger.ts';

export type Db = PrismaClient;

/**
 * A Prisma client over a pg pool that fails fast when Postgres is away (so a Slack handler can tell the
 * user within seconds) and reconnects by itself when it returns.
 */
export function createDb(databaseUrl: string, logger: Logger): Db {
  const adapter = new PrismaPg(
    { connectionString: databaseUrl, connectionTimeoutMillis: 3000, max: 10, idleTimeoutMillis: 30_000 },
    {
      onPoolError: (error) => logger.warn('postgres pool error', { err: error.message }),
      onConnectionError: (error) => logger.warn('postgres connection error', { err: error.message }),
    },
  );
  return new PrismaClient({ adapter });
}
