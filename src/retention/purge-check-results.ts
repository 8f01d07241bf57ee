import type { RetentionConfig } from './retention-config.ts';
import type { RetentionRepository } from './retention.ports.ts';

const DAY_MS = 86_400_000;

/** How many rows one purge statement deletes. @defaultValue 1000 */
export const PURGE_BATCH_SIZE = 1000;

/** The UTC day a purge belongs to: the slot its job id is made of. */
export const purgeDayOf = (at: Date) => at.toISOString().slice(0, 10);

export interface PurgeDeps {
  retention: RetentionConfig;
  checkResults: Pick<RetentionRepository, 'purgeCheckResults'>;
  now: () => Date;
  /** @defaultValue PURGE_BATCH_SIZE */
  batchSize?: number | undefined;
}

/** Deletes check results older than `retention.checkResultsDays`; returns the cut-off and how many went. */
export async function purgeCheckResults(deps: PurgeDeps): Promise<{ before: Date; deleted: number }> {
  const before = new Date(deps.now().getTime() - deps.retention.checkResultsDays * DAY_MS);
  const deleted = await deps.checkResults.purgeCheckResults(before, deps.batchSize ?? PURGE_BATCH_SIZE);
  return { before, deleted };
}
