import { readdir } from 'node:fs/promises';
import type pg from 'pg';
import type { CheckContext, CheckOutcome } from '../checks/check.types.ts';
import { plural, redactPostgresUrl, type PostgresCheckSpec } from '../checks/specs/postgres.ts';
import { truncate } from '../shared/text.ts';

/** Every form the password could take in a driver message, so none leaks through one. */
function secretsOf(raw: string): string[] {
  try {
    const url = new URL(raw);
    const candidates = [url.password, url.searchParams.get('password') ?? ''];
    return [...candidates, ...candidates.map((one) => safeDecode(one))].filter((one) => one.length >= 3);
  } catch {
    return [];
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function scrub(text: string, secrets: string[]): string {
  return secrets.reduce((acc, secret) => acc.split(secret).join('***'), text);
}

interface MigrationRow {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export async function runPostgresCheck(spec: PostgresCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const shownUrl = redactPostgresUrl(spec.url);
  const secrets = secretsOf(spec.url);
  const clean = (error: unknown) => truncate(scrub(error instanceof Error ? error.message : String(error), secrets), 300);

  let parsed: URL;
  try {
    parsed = new URL(spec.url);
  } catch {
    return { status: 'ERROR', message: 'the url is not a postgres:// connection string; fix the check', evidence: { url: shownUrl } };
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    return {
      status: 'ERROR',
      message: `the url ${shownUrl} is not a postgres:// or postgresql:// connection string; fix the check`,
      evidence: { url: shownUrl },
    };
  }
  // Prisma's `?schema=` names where _prisma_migrations lives; node-postgres itself ignores the parameter.
  const schema = parsed.searchParams.get('schema') ?? undefined;

  // Loaded on the first postgres check, not at import: `readiness config validate` never needs the driver.
  const { Client, escapeIdentifier } = (await import('pg')).default;
  const client = new Client({
    connectionString: spec.url,
    connectionTimeoutMillis: spec.timeoutMs,
    query_timeout: spec.timeoutMs,
    // The server gives up too, so a query stuck on a lock does not outlive the check on the database side.
    statement_timeout: spec.timeoutMs,
    application_name: 'readiness-check',
  });
  // A dropped connection after connect emits 'error' on the client; unhandled, it would crash the process.
  client.on('error', () => undefined);
  const onAbort = () => void client.end().catch(() => undefined);
  context.signal.addEventListener('abort', onAbort, { once: true });

  try {
    const startedAt = context.now();
    try {
      await client.connect();
      await client.query('select 1');
    } catch (error) {
      if (context.signal.aborted) throw error;
      const code = (error as { code?: unknown }).code;
      return {
        status: 'FAIL',
        message: `cannot connect to ${shownUrl}: ${clean(error)}`,
        evidence: { url: shownUrl, error: clean(error), ...(typeof code === 'string' ? { code } : {}) },
      };
    }
    const latencyMs = Math.round(context.now() - startedAt);
    const evidence: Record<string, unknown> = { url: shownUrl, latencyMs };
    const answered = `${shownUrl} answered select 1 in ${latencyMs} ms`;
    if (!spec.checkMigrations) return { status: 'PASS', message: answered, evidence };

    const table = schema === undefined ? '"_prisma_migrations"' : `${escapeIdentifier(schema)}."_prisma_migrations"`;
    let rows: MigrationRow[];
    try {
      rows = (
        await client.query<MigrationRow>(`SELECT migration_name, finished_at, rolled_back_at, logs FROM ${table} ORDER BY started_at, migration_name`)
      ).rows;
    } catch (error) {
      if (context.signal.aborted) throw error;
      if ((error as { code?: unknown }).code === '42P01') {
        return {
          status: 'FAIL',
          message: `no _prisma_migrations table in ${shownUrl}${schema ? ` (schema ${schema})` : ''}: the database was never migrated; run prisma migrate deploy`,
          evidence: { ...evidence, migrationsTable: false },
        };
      }
      return { status: 'ERROR', message: `could not read _prisma_migrations in ${shownUrl}: ${clean(error)}`, evidence };
    }

    const unfinished = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
    const applied = new Set(rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => row.migration_name));
    evidence.appliedMigrations = applied.size;
    evidence.failedMigrations = unfinished.map((row) => row.migration_name);

    let pending: string[] = [];
    if (spec.migrationsDir !== undefined) {
      let onDisk: string[];
      try {
        const entries = await readdir(spec.migrationsDir, { withFileTypes: true });
        onDisk = entries
          .filter((entry) => entry.isDirectory())
          .map((entry) => entry.name)
          .sort();
      } catch (error) {
        return {
          status: 'ERROR',
          message: `cannot read migrationsDir ${spec.migrationsDir}: ${(error as Error).message}; fix the check's migrationsDir`,
          evidence: { ...evidence, migrationsDir: spec.migrationsDir },
        };
      }
      pending = onDisk.filter((name) => !applied.has(name));
      const known = new Set(onDisk);
      evidence.migrationsDir = spec.migrationsDir;
      evidence.migrationsOnDisk = onDisk.length;
      evidence.pendingMigrations = pending;
      evidence.appliedNotOnDisk = [...applied].filter((name) => !known.has(name));
    }

    if (unfinished.length > 0) {
      const names = unfinished.map((row) => row.migration_name);
      const log = unfinished[0]?.logs?.split('\n').find((line) => line.trim() !== '');
      return {
        status: 'FAIL',
        message:
          `${plural(names.length, 'migration')} in ${shownUrl} never finished (failed, or still running): ${names.join(', ')}` +
          `${log ? ` (${truncate(scrub(log, secrets), 200)})` : ''}; fix it, then mark it with prisma migrate resolve`,
        evidence,
      };
    }
    if (pending.length > 0) {
      return {
        status: 'FAIL',
        message: `${plural(pending.length, 'migration')} pending in ${shownUrl}: ${truncate(pending.join(', '), 300)}; run prisma migrate deploy`,
        evidence,
      };
    }
    const pendingNote = spec.migrationsDir === undefined ? '' : ', none pending';
    return { status: 'PASS', message: `${answered}; ${plural(applied.size, 'migration')} applied, none failed${pendingNote}`, evidence };
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    await close(client);
  }
}

/**
 * A polite goodbye waits for the server to close its side, which a hung server never does; after a short
 * grace the socket is destroyed, so a check can never leave a connection (or the caller) behind.
 */
async function close(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 1000);
  });
  await Promise.race([client.end().catch(() => undefined), grace]);
  clearTimeout(timer);
  client.connection.stream.destroy();
}
