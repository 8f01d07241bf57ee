import type { CliDeps } from '../cli/cli.ts';
import { networkCheckRunner } from '../probes/check-runner.ts';

/**
 * What the CLI runs with: the network probes, and its database side. Both are loaded on demand: validate and assess (without --require-signoff) never load
 * Prisma or the database driver.
 */
export const cliDeps: CliDeps = {
  checks: networkCheckRunner,
  async openSignoffSource(databaseUrl) {
    const { openStoredSignoffSource } = await import('./stored-signoff-source.ts');
    return openStoredSignoffSource(databaseUrl);
  },
  async migrate(io) {
    const { migrateDatabase } = await import('./migrate-database.ts');
    return migrateDatabase(io);
  },
};
