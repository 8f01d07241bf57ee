/** Deletes what retention says is old. Audit events are never touched. */
export interface RetentionRepository {
  /**
   * Deletes the check results of assessments created before `before`, `batchSize` rows per statement (short
   * transactions: a purge never holds locks the running assessments wait on). Returns how many were deleted.
   */
  purgeCheckResults(before: Date, batchSize: number): Promise<number>;
}

/** Enqueues the daily purge; the job id is the day, so N bot replicas purge once. */
export interface RetentionScheduler {
  /** Enqueues the purge of `day` (UTC, yyyy-mm-dd): once per day, however many replicas ask. */
  enqueuePurge(day: string): Promise<void>;
}
