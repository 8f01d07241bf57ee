import { DEFAULT_DATABASE_URL } from '../config/env.ts';
import { migrationsDir } from '../shared/paths.ts';
import { applyMigrations, ensureDatabase, redactUrl } from '../store/migrations.ts';

export interface MigrateIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/**
 * Creates the database if missing and applies the migrations shipped with the package (prisma/migrations), with
 * the project's own applier: a production install has no Prisma CLI or schema engine. Returns the exit code:
 * 0 applied or up to date, 1 failed (the message names the database, its password redacted).
 */
export async function migrateDatabase(io: MigrateIo): Promise<number> {
  const databaseUrl = io.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  try {
    const { created } = await ensureDatabase(databaseUrl);
    if (created) io.out(`created database ${redactUrl(databaseUrl)}\n`);
    const report = await applyMigrations(databaseUrl, migrationsDir);
    for (const name of report.applied) io.out(`applied ${name}\n`);
    io.out(
      report.applied.length === 0
        ? `database is up to date (${report.alreadyApplied.length} migration(s) applied earlier)\n`
        : `${report.applied.length} migration(s) applied\n`,
    );
    return 0;
  } catch (error) {
    io.err(`db:migrate failed for ${redactUrl(databaseUrl)}: ${(error as Error).message}\n`);
    return 1;
  }
}
