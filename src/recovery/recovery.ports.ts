import type { AuditEntry } from '../audit/audit-entry.ts';
import type { TimerSource } from './rebuild-timers.ts';
import type { JobSnapshot, RecoveryCandidates, RecoveryTarget } from './decide-recovery.ts';

/** Reads for the recovery sweep, and the audit events it writes. */
export interface RecoveryRepository extends TimerSource {
  /**
   * Work the database says is in progress: assessments QUEUED or RUNNING, deployments RUNNING or ROLLING_BACK
   * (PLANNED and PAUSED wait for a person), oldest first, read in one consistent snapshot.
   */
  candidates(limit?: number): Promise<RecoveryCandidates>;
  /** Records a recovery once per dedupe key (replicas sweeping at the same moment record it once); true when this call recorded it. */
  record(entry: AuditEntry & { dedupeKey: string }): Promise<boolean>;
  /** Whether a recovery with this dedupe key was recorded before. */
  recorded(dedupeKey: string): Promise<boolean>;
}

/** Reads and re-runs the jobs that carry recoverable work; the sweep's only view of the queue. */
export interface RecoveryJobs {
  inspect(target: RecoveryTarget): Promise<JobSnapshot>;
  /** Moves a completed job back to waiting, to run again; false when it is no longer completed (another replica did it). */
  rerunCompleted(target: RecoveryTarget): Promise<boolean>;
}
