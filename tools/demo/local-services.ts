import { Redis } from 'ioredis';
import { migrationsDir } from '../../src/shared/paths.ts';
import { applyMigrations, ensureDatabase, redactUrl } from '../../src/store/migrations.ts';

/** A local dependency the demo or a benchmark needs is missing; the message says how to start it. */
export class LocalServiceError extends Error {
  override name = 'LocalServiceError';
}

export async function requireRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new LocalServiceError(
      `Redis is not answering at ${url} (${(error as Error).message}). Start it with: ` +
        'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    );
  } finally {
    redis.disconnect();
  }
}

/** Creates the database if missing and applies the migrations; returns what it did, in words. */
export async function prepareDatabase(databaseUrl: string): Promise<string> {
  try {
    const { created } = await ensureDatabase(databaseUrl);
    const { applied } = await applyMigrations(databaseUrl, migrationsDir);
    return `${created ? 'created, ' : ''}${applied.length} migration(s) applied`;
  } catch (error) {
    throw new LocalServiceError(
      `PostgreSQL is not usable at ${redactUrl(databaseUrl)} (${(error as Error).message}). Start it with: ` +
        'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    );
  }
}
