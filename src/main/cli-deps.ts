import type { CliDeps } from '../cli/cli.ts';

/**
 * The CLI's database side. Both are loaded on demand: validate and assess (without --require-signoff) never load
 * Prisma or the database driver.
 */
export const cliDeps: CliDeps = {
  async openSignoffSource(databaseUrl) {
    const { openStoredSignoffSource } = await import('./stored-signoff-source.ts');
    return openStoredSignoffSource(databaseUrl);
  },
  async migrate(io) {
    const { migrateDatabase } = await import('./migrate-database.ts');
    return migrateDatabase(io);
  },
};
