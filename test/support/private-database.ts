import pg from 'pg';
import { inject } from 'vitest';
import { migrationsDir } from '../../src/shared/paths.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';

/**
 * A migrated database of the test file's own, beside the run's shared one: for tests whose processes sweep every
 * row of their database (incident and recovery sweeps) and must not pick up another test file's work.
 */
export async function privateDatabase(suffix: string): Promise<string> {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `${url.pathname}_${suffix}`;
  await ensureDatabase(url.toString());
  await applyMigrations(url.toString(), migrationsDir);
  return url.toString();
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: new URL('/postgres', url).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await admin.end();
}
