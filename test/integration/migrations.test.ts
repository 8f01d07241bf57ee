import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { projectRoot, migrationsDir } from '../../src/shared/paths.ts';
import { applyMigrations, ensureDatabase, readMigrations } from '../../src/store/migrations.ts';
import { expectedPostgresType, readPrismaSchema } from '../support/prisma-schema.ts';

const databaseUrl = inject('databaseUrl');
const serverUrl = databaseUrl.slice(0, databaseUrl.lastIndexOf('/'));
const scratchDatabases: string[] = [];

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function scratchDatabase(): Promise<string> {
  const name = `readiness_test_mig_${randomBytes(4).toString('hex')}`;
  scratchDatabases.push(name);
  const url = `${serverUrl}/${name}`;
  await ensureDatabase(url);
  return url;
}

afterAll(async () => {
  for (const name of scratchDatabases) {
    await query(`${serverUrl}/postgres`, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  }
});

describe('the migrated database', () => {
  it('has every table and column schema.prisma declares, with its type and nullability', async () => {
    const { models, enums } = readPrismaSchema(join(projectRoot, 'prisma', 'schema.prisma'));
    expect(models.map((model) => model.name).sort()).toEqual(Object.keys(Prisma.ModelName).sort());
    const columns = await query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string }>(
      databaseUrl,
      `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    for (const model of models) {
      const tableColumns = columns.filter((column) => column.table_name === model.table);
      expect(tableColumns.length, `table ${model.table} for model ${model.name}`).toBeGreaterThan(0);
      expect(tableColumns.map((column) => column.column_name).sort(), `columns of ${model.table}`).toEqual(
        model.fields.map((field) => field.column).sort(),
      );
      for (const field of model.fields) {
        const column = tableColumns.find((candidate) => candidate.column_name === field.column);
        const actualType = column?.data_type === 'USER-DEFINED' ? column.udt_name : column?.data_type;
        expect(actualType, `${model.table}.${field.column} type`).toBe(expectedPostgresType(field, enums));
        expect(column?.is_nullable, `${model.table}.${field.column} nullability`).toBe(field.optional ? 'YES' : 'NO');
      }
    }
  });

  it('records each migration in _prisma_migrations exactly as prisma migrate deploy does', async () => {
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
      rolled_back_at: Date | null;
    }>(
      databaseUrl,
      'SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM _prisma_migrations ORDER BY migration_name',
    );
    const files = await readMigrations(migrationsDir);
    expect(rows.map((row) => row.migration_name)).toEqual(files.map((file) => file.name));
    for (const [index, file] of files.entries()) {
      const sql = await readFile(join(migrationsDir, file.name, 'migration.sql'));
      expect(rows[index]?.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(rows[index]?.finished_at).toBeInstanceOf(Date);
      expect(rows[index]?.applied_steps_count).toBe(1);
      expect(rows[index]?.rolled_back_at).toBeNull();
    }
  });

  it('applies nothing the second time', async () => {
    const report = await applyMigrations(databaseUrl, migrationsDir);
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied.length).toBeGreaterThan(0);
  });
});

describe('a failing migration', () => {
  it('is rolled back, recorded with its error, and blocks later runs until resolved', async () => {
    const url = await scratchDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'readiness-migrations-'));
    await cp(migrationsDir, dir, { recursive: true });
    await mkdir(join(dir, '29990101000000_broken'));
    await writeFile(join(dir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n');

    await expect(applyMigrations(url, dir)).rejects.toThrow(/29990101000000_broken failed: .*no_such_table/);
    const [failed] = await query<{ finished_at: Date | null; logs: string }>(
      url,
      `SELECT finished_at, logs FROM _prisma_migrations WHERE migration_name = '29990101000000_broken'`,
    );
    expect(failed?.finished_at).toBeNull();
    expect(failed?.logs).toMatch(/no_such_table/);
    const halfDone = await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(halfDone).toEqual([]);
    await expect(applyMigrations(url, dir)).rejects.toThrow(/failed earlier and was never resolved/);
  });

  it('lets concurrent appliers (several replicas starting at once) apply each migration once', async () => {
    const url = await scratchDatabase();
    const reports = await Promise.all([1, 2, 3].map(() => applyMigrations(url, migrationsDir)));
    expect(reports.flatMap((report) => report.applied)).toHaveLength((await readMigrations(migrationsDir)).length);
    const rows = await query(url, 'SELECT 1 FROM _prisma_migrations');
    expect(rows).toHaveLength((await readMigrations(migrationsDir)).length);
  });
});
