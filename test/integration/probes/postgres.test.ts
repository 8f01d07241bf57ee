import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresCheckSpec } from '../../../src/checks/specs/postgres.ts';
import { runCheck } from '../../../src/probes/run-check.ts';
import { migrationsDir } from '../../../src/shared/paths.ts';
import { ensureDatabase, readMigrations } from '../../../src/store/migrations.ts';
import { closedPortUrl, until } from '../../support/test-stack.ts';
import { startSilentServer } from '../../support/silent-server.ts';

const databaseUrl = inject('databaseUrl');
const serverUrl = databaseUrl.slice(0, databaseUrl.lastIndexOf('/'));
const scratchDatabases: string[] = [];
const tempDirs: string[] = [];

async function query(url: string, sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function scratchDatabase(): Promise<string> {
  const name = `readiness_test_pgcheck_${randomBytes(4).toString('hex')}`;
  scratchDatabases.push(name);
  const url = `${serverUrl}/${name}`;
  await ensureDatabase(url);
  return url;
}

/** A scratch database with a _prisma_migrations table holding these rows, as prisma migrate deploy leaves it. */
async function databaseWithMigrations(rows: { name: string; finished?: boolean; rolledBack?: boolean; logs?: string }[]): Promise<string> {
  const url = await scratchDatabase();
  await query(
    url,
    `CREATE TABLE "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
  );
  for (const [index, row] of rows.entries()) {
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, finished_at, rolled_back_at, applied_steps_count)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), CASE WHEN $6 THEN now() END, CASE WHEN $7 THEN now() END, CASE WHEN $6 THEN 1 ELSE 0 END)`,
      [randomUUID(), 'x'.repeat(64), row.name, row.logs ?? null, index, row.finished ?? true, row.rolledBack ?? false],
    );
  }
  return url;
}

async function migrationsOnDisk(names: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'readiness-pgcheck-'));
  tempDirs.push(dir);
  for (const name of names) await mkdir(join(dir, name));
  return dir;
}

let silent: Awaited<ReturnType<typeof startSilentServer>>;
beforeAll(async () => {
  silent = await startSilentServer();
});

afterAll(async () => {
  await silent.close();
  for (const name of scratchDatabases) {
    await query(`${serverUrl}/postgres`, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  }
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

const spec = (fields: Record<string, unknown>) => PostgresCheckSpec.parse({ id: 'db', name: 'Database', type: 'postgres', ...fields });

describe('the postgres check', () => {
  it('passes when the database answers select 1, with the latency', async () => {
    const outcome = await runCheck(spec({ url: databaseUrl }));
    expect(outcome.status).toBe('PASS');
    expect(outcome.message).toMatch(/answered select 1 in \d+ ms$/);
    expect(outcome.evidence).toMatchObject({ url: databaseUrl, latencyMs: expect.any(Number) });
  });

  it('passes on a database whose migrations are all applied, checked against the migrations on disk', async () => {
    const count = (await readMigrations(migrationsDir)).length;
    const outcome = await runCheck(spec({ url: databaseUrl, checkMigrations: true, migrationsDir }));
    expect(outcome.status).toBe('PASS');
    expect(outcome.message).toContain(`${count} migration${count === 1 ? '' : 's'} applied, none failed, none pending`);
    expect(outcome.evidence).toMatchObject({ appliedMigrations: count, failedMigrations: [], pendingMigrations: [], appliedNotOnDisk: [] });
  });

  it('fails on a migration that never finished, naming it and its error', async () => {
    const url = await databaseWithMigrations([
      { name: '20240101000000_init' },
      { name: '20240201000000_add_orders', finished: false, logs: 'relation "customers" does not exist\nmore detail' },
    ]);
    const outcome = await runCheck(spec({ url, checkMigrations: true }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(
      /1 migration in .* never finished \(failed, or still running\): 20240201000000_add_orders \(relation "customers" does not exist\)/,
    );
    expect(outcome.evidence).toMatchObject({ appliedMigrations: 1, failedMigrations: ['20240201000000_add_orders'] });
  });

  it('ignores a failed migration that was rolled back and later applied', async () => {
    const url = await databaseWithMigrations([
      { name: '20240101000000_init' },
      { name: '20240201000000_add_orders', finished: false, rolledBack: true },
      { name: '20240201000000_add_orders' },
    ]);
    const outcome = await runCheck(
      spec({ url, checkMigrations: true, migrationsDir: await migrationsOnDisk(['20240101000000_init', '20240201000000_add_orders']) }),
    );
    expect(outcome.status).toBe('PASS');
  });

  it('fails on migrations present on disk but not applied, listing them as pending', async () => {
    const url = await databaseWithMigrations([{ name: '20240101000000_init' }, { name: '20240201000000_rolled', finished: false, rolledBack: true }]);
    const dir = await migrationsOnDisk(['20240101000000_init', '20240201000000_rolled', '20240301000000_add_index']);
    const outcome = await runCheck(spec({ url, checkMigrations: true, migrationsDir: dir }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/2 migrations pending in .*: 20240201000000_rolled, 20240301000000_add_index; run prisma migrate deploy/);
    expect(outcome.evidence).toMatchObject({ pendingMigrations: ['20240201000000_rolled', '20240301000000_add_index'], migrationsOnDisk: 3 });
  });

  it('fails on a database that was never migrated: no _prisma_migrations table', async () => {
    const url = await scratchDatabase();
    const outcome = await runCheck(spec({ url, checkMigrations: true }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/^no _prisma_migrations table in /);
  });

  it('reads _prisma_migrations in the schema a Prisma URL names with ?schema=', async () => {
    const url = await scratchDatabase();
    await query(url, 'CREATE SCHEMA app');
    await query(
      url,
      `CREATE TABLE app."_prisma_migrations" (migration_name text, finished_at timestamptz, rolled_back_at timestamptz, logs text, started_at timestamptz)`,
    );
    await query(url, `INSERT INTO app."_prisma_migrations" VALUES ('20240101000000_init', now(), NULL, NULL, now())`);
    expect((await runCheck(spec({ url: `${url}?schema=app`, checkMigrations: true }))).status).toBe('PASS');
    expect((await runCheck(spec({ url, checkMigrations: true }))).status).toBe('FAIL');
  });

  it('reports an unreadable migrationsDir as ERROR: the check is misconfigured', async () => {
    const outcome = await runCheck(spec({ url: databaseUrl, checkMigrations: true, migrationsDir: join(tmpdir(), `missing-${randomUUID()}`) }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/cannot read migrationsDir .*ENOENT/);
  });

  it('fails when the connection is refused', async () => {
    const closed = new URL(await closedPortUrl());
    const outcome = await runCheck(spec({ url: `postgresql://postgres@127.0.0.1:${closed.port}/app` }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/^cannot connect to .*ECONNREFUSED/);
    expect(outcome.evidence).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails on a rejected login and never shows the password', async () => {
    const url = new URL(databaseUrl);
    url.username = 'no_such_role';
    url.password = 'hunter2-secret';
    const outcome = await runCheck(spec({ url: url.toString() }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/cannot connect to postgresql:\/\/no_such_role:\*\*\*@.*role "no_such_role" does not exist/);
    expect(JSON.stringify(outcome)).not.toContain('hunter2-secret');
  });

  it('redacts a password given as ?password= too', async () => {
    const outcome = await runCheck(spec({ url: `${serverUrl}/no_such_database?password=hunter2-secret` }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/database "no_such_database" does not exist/);
    expect(JSON.stringify(outcome)).not.toContain('hunter2-secret');
  });

  it('reports a host that accepts but never answers as ERROR after the check timeout', async () => {
    const { port } = silent;
    const outcome = await runCheck(spec({ url: `postgresql://postgres@127.0.0.1:${port}/app`, timeoutMs: 300 }));
    expect(outcome).toMatchObject({ status: 'ERROR', message: 'no answer within the 300 ms timeout' });
    expect(outcome.durationMs).toBeLessThan(2000);
  });

  it('reports a query that hangs (a locked _prisma_migrations) as ERROR after the check timeout, leaving no connection', async () => {
    const url = await databaseWithMigrations([{ name: '20240101000000_init' }]);
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "_prisma_migrations" IN ACCESS EXCLUSIVE MODE');
      const outcome = await runCheck(spec({ url, checkMigrations: true, timeoutMs: 300 }));
      expect(outcome).toMatchObject({ status: 'ERROR', message: 'no answer within the 300 ms timeout' });
      // statement_timeout ends the stuck query on the server as well, while the lock is still held. (Asked on
      // another connection: inside the locker's transaction pg_stat_activity is a frozen snapshot.)
      const remaining = await until(async () => {
        const observer = new pg.Client({ connectionString: url });
        await observer.connect();
        try {
          const { rows } = await observer.query<{ count: string }>(
            `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'readiness-check' AND datname = current_database()`,
          );
          return Number(rows[0]?.count) === 0 ? 'none' : undefined;
        } finally {
          await observer.end();
        }
      }, 5000);
      expect(remaining).toBe('none');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  it('reports a URL that is not a postgres connection string as ERROR', async () => {
    for (const url of ['not a url', 'mysql://root@127.0.0.1/app']) {
      const outcome = await runCheck(spec({ url }));
      expect(outcome.status).toBe('ERROR');
      expect(outcome.message).toMatch(/not a postgres:\/\/ (or postgresql:\/\/ )?connection string/);
    }
  });
});
