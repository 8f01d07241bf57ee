import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { migrationsDir } from '../../src/shared/paths.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One throwaway database per test run, migrated by the project's own applier and dropped afterwards. */
export default async function setup(project: TestProject) {
  const name = `readiness_test_${randomBytes(4).toString('hex')}`;
  const databaseUrl = `${serverUrl}/${name}`;
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl, migrationsDir);
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);
  return async () => {
    const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.end();
  };
}
