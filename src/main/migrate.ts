import { migrateDatabase } from './migrate-database.ts';

// `npm run db:migrate` / `node dist/src/main/migrate.js`; the same as `readiness migrate`.
process.exitCode = await migrateDatabase({
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
});
