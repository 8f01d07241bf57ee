import { applyMigrations, ensureDatabase, redactUrl } from '../store/migrations.ts';
import { migrationsDir } from '../shared/paths.ts';

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/readiness';

try {
  const { created } = await ensureDatabase(databaseUrl);
  if (created) console.log(`created database ${redactUrl(databaseUrl)}`);
  const report = await applyMigrations(databaseUrl, migrationsDir);
  for (const name of report.applied) console.log(`applied ${name}`);
  console.log(
    report.applied.length === 0
      ? `database is up to date (${report.alreadyApplied.length} migration(s) applied earlier)`
      : `${report.applied.length} migration(s) applied`,
  );
} catch (error) {
  console.error(`db:migrate failed for ${redactUrl(databaseUrl)}: ${(error as Error).message}`);
  process.exit(1);
}
