import type { OutageRun } from '../src/assessments/infrastructure-retry.ts';

/**
 * What a retrying job remembers in its own data (so every worker that picks it up next sees the same): the current
 * run of outage failures, and how many other failures it had. Kept apart because only other failures spend the
 * job's error budget: an outage of ours is waited out, not counted against the job.
 */
export interface RetryNote {
  outage: OutageRun | undefined;
  /** Failures not caused by our database or Redis, over the job's life. */
  errorAttempts: number;
}

interface StoredRetryNote {
  infrastructureFailingSince?: unknown;
  infrastructureLastFailureAt?: unknown;
  errorAttempts?: unknown;
}

export function retryNoteOf(data: unknown): RetryNote {
  const stored = (data ?? {}) as StoredRetryNote;
  const since = stored.infrastructureFailingSince;
  // A job written before the latest failure was kept: its first failure is the best guess.
  const lastAt = typeof stored.infrastructureLastFailureAt === 'number' ? stored.infrastructureLastFailureAt : since;
  const outage = typeof since === 'number' && typeof lastAt === 'number' ? { since, lastAt } : undefined;
  const errorAttempts = typeof stored.errorAttempts === 'number' ? stored.errorAttempts : 0;
  return { outage, errorAttempts };
}

/** The fields to merge into the job's data for `outage`. */
export const outageFields = (outage: OutageRun) => ({ infrastructureFailingSince: outage.since, infrastructureLastFailureAt: outage.lastAt });
