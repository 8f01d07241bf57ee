import type { RetentionRepository } from '../retention/retention.ports.ts';
import type { Db } from './prisma.ts';

/** Deletes what retention says is old. Audit events are never touched. */
export function createRetentionRepository(db: Db): RetentionRepository {
  return {
    /**
     * Deletes the check results of assessments created before `before`, `batchSize` rows per statement (short
     * transactions: a purge of months of results never holds locks the running assessments wait on). Returns how
     * many were deleted. The assessments themselves (verdict, score, who asked) stay.
     */
    async purgeCheckResults(before: Date, batchSize: number): Promise<number> {
      let total = 0;
      for (;;) {
        const deleted = await db.$executeRaw`
          DELETE FROM check_results WHERE id IN (
            SELECT r.id FROM check_results r JOIN assessments a ON a.id = r.assessment_id
            WHERE a.created_at < ${before}
            LIMIT ${batchSize}
          )`;
        total += deleted;
        if (deleted < batchSize) return total;
      }
    },
  };
}
