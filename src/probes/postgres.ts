import { readdir } from 'node:fs/promises';
import type pg from 'pg';
import type { CheckContext, CheckOutcome } from '../checks/check.types.ts';
import { plural, redactPostgresUrl, type PostgresCheckSpec } from '../checks/specs/postgres.ts';
import { truncate } from '../shared/text.ts';
import type { Step } from './step.ts';

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

/** What the steps of one run share: the spec, the URL as it may be shown, and how to clean a driver's message. */
interface Run {
  spec: PostgresCheckSpec;
  shownUrl: string;
  secrets: string[];
  clean: (error: unknown) => string;
  signal: AbortSignal;
}

export async function runPostgresCheck(spec: PostgresCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const shownUrl = redactPostgresUrl(spec.url);
  const secrets = secretsOf(spec.url);
  const clean = (error: unknown) => truncate(scrub(error instanceof Error ? error.message : String(error), secrets), 300);
  const run: Run = { spec, shownUrl, secrets, clean, signal: context.signal };

  const schema = migrationsSchema(run);
  if (!schema.ok) return schema.outcome;

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
    const connected = await selectOne(run, client);
    if (connected) return connected;
    const latencyMs = Math.round(context.now() - startedAt);
    const evidence: Record<string, unknown> = { url: shownUrl, latencyMs };
    const answered = `${shownUrl} answered select 1 in ${latencyMs} ms`;
    if (!spec.checkMigrations) return { status: 'PASS', message: answered, evidence };

    const table = schema.value === undefined ? '"_prisma_migrations"' : `${escapeIdentifier(schema.value)}."_prisma_migrations"`;
    const rows = await readMigrationRows(run, client, table, schema.value, evidence);
    if (!rows.ok) return rows.outcome;
    return await judgeMigrations(run, rows.value, evidence, answered);
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    await close(client);
  }
}

/** Prisma's `?schema=` names where _prisma_migrations lives (node-postgres itself ignores the parameter); ERROR for a URL that is not postgres://. */
function migrationsSchema({ spec, shownUrl }: Run): Step<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(spec.url);
  } catch {
    return {
      ok: false,
      outcome: { status: 'ERROR', message: 'the url is not a postgres:// connection string; fix the check', evidence: { url: shownUrl } },
    };
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    return {
      ok: false,
      outcome: {
        status: 'ERROR',
        message: `the url ${shownUrl} is not a postgres:// or postgresql:// connection string; fix the check`,
        evidence: { url: shownUrl },
      },
    };
  }
  return { ok: true, value: parsed.searchParams.get('schema') ?? undefined };
}

/** Connects and runs `select 1`; the FAIL outcome when the database does not answer, undefined when it does. */
async function selectOne({ shownUrl, clean, signal }: Run, client: pg.Client): Promise<CheckOutcome | undefined> {
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    if (signal.aborted) throw error;
    const code = (error as { code?: unknown }).code;
    return {
      status: 'FAIL',
      message: `cannot connect to ${shownUrl}: ${clean(error)}`,
      evidence: { url: shownUrl, error: clean(error), ...(typeof code === 'string' ? { code } : {}) },
    };
  }
}

async function readMigrationRows(
  { shownUrl, clean, signal }: Run,
  client: pg.Client,
  table: string,
  schema: string | undefined,
  evidence: Record<string, unknown>,
): Promise<Step<MigrationRow[]>> {
  try {
    const sql = `SELECT migration_name, finished_at, rolled_back_at, logs FROM ${table} ORDER BY started_at, migration_name`;
    return { ok: true, value: (await client.query<MigrationRow>(sql)).rows };
  } catch (error) {
    if (signal.aborted) throw error;
    if ((error as { code?: unknown }).code === '42P01') {
      return {
        ok: false,
        outcome: {
          status: 'FAIL',
          message: `no _prisma_migrations table in ${shownUrl}${schema ? ` (schema ${schema})` : ''}: the database was never migrated; run prisma migrate deploy`,
          evidence: { ...evidence, migrationsTable: false },
        },
      };
    }
    return { ok: false, outcome: { status: 'ERROR', message: `could not read _prisma_migrations in ${shownUrl}: ${clean(error)}`, evidence } };
  }
}

/** The migration directories in `dir`, sorted: what the service expects to be applied. */
async function readMigrationsOnDisk(dir: string, evidence: Record<string, unknown>): Promise<Step<string[]>> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    return { ok: true, value: names };
  } catch (error) {
    return {
      ok: false,
      outcome: {
        status: 'ERROR',
        message: `cannot read migrationsDir ${dir}: ${(error as Error).message}; fix the check's migrationsDir`,
        evidence: { ...evidence, migrationsDir: dir },
      },
    };
  }
}

/** FAIL for a migration that never finished, then for one pending on disk; PASS otherwise. Fills `evidence`. */
async function judgeMigrations(run: Run, rows: MigrationRow[], evidence: Record<string, unknown>, answered: string): Promise<CheckOutcome> {
  const { spec, shownUrl, secrets } = run;
  const unfinished = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  const applied = new Set(rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => row.migration_name));
  evidence.appliedMigrations = applied.size;
  evidence.failedMigrations = unfinished.map((row) => row.migration_name);

  let pending: string[] = [];
  if (spec.migrationsDir !== undefined) {
    const onDisk = await readMigrationsOnDisk(spec.migrationsDir, evidence);
    if (!onDisk.ok) return onDisk.outcome;
    pending = onDisk.value.filter((name) => !applied.has(name));
    const known = new Set(onDisk.value);
    evidence.migrationsDir = spec.migrationsDir;
    evidence.migrationsOnDisk = onDisk.value.length;
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
