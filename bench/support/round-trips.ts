import { Redis } from 'ioredis';
import pg from 'pg';
import { sleep } from './harness.ts';

/**
 * Counts what an assessment costs our infrastructure: Redis commands (INFO commandstats, summed over every
 * command) and Postgres transactions of one database (pg_stat_database; every statement outside an explicit
 * transaction is one). Both are server-wide for their scope, so the bench runs them on a private Redis and a
 * database of its own. Postgres 15 publishes a backend's counts when it has been idle a while (up to 10 s), so
 * `settle` waits until the figure stops moving.
 */
export interface RoundTripCounter {
  read(): Promise<{ redisCommands: number; pgTransactions: number }>;
  /** Reads until the Postgres figure has not changed for `quietMs` and at least `minMs` have passed. */
  settle(minMs?: number, quietMs?: number): Promise<{ redisCommands: number; pgTransactions: number }>;
  close(): Promise<void>;
}

export async function roundTripCounter(redisUrl: string, databaseUrl: string): Promise<RoundTripCounter> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const database = new URL(databaseUrl).pathname.slice(1);
  // Connected to another database, so these reads are not counted in the one measured.
  const statsUrl = new URL(databaseUrl);
  statsUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: statsUrl.toString() });
  await client.connect();
  let infoCalls = 0;
  const read = async () => {
    const info = await redis.info('commandstats');
    infoCalls += 1;
    let redisCommands = -infoCalls; // our own INFO calls, this one included
    for (const match of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) redisCommands += Number(match[1]);
    await client.query('SELECT pg_stat_clear_snapshot()');
    const row = await client.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1', [database]);
    return { redisCommands, pgTransactions: Number(row.rows[0]?.n ?? Number.NaN) };
  };
  return {
    read,
    async settle(minMs = 11_000, quietMs = 2_000) {
      const started = Date.now();
      let last = await read();
      let stableSince = Date.now();
      for (;;) {
        await sleep(500);
        const now = await read();
        if (now.pgTransactions !== last.pgTransactions) stableSince = Date.now();
        last = now;
        if (Date.now() - started >= minMs && Date.now() - stableSince >= quietMs) return last;
      }
    },
    async close() {
      redis.disconnect();
      await client.end();
    },
  };
}
