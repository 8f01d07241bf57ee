import type { AssessmentRepository, AssessmentScheduler, StoredCheckSpec } from './assessment.ports.ts';

export interface CheckLoaderDeps {
  assessments: Pick<AssessmentRepository, 'findCheckSpecs' | 'markRunning'>;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  now: () => Date;
}

/** Finds one check of an assessment for its job; undefined when the assessment or the check does not exist. */
export type LoadCheck = (assessmentId: string, checkId: string) => Promise<StoredCheckSpec | undefined>;

/**
 * How long one read of an assessment's checks serves the jobs of that assessment in this process. A fan-out
 * hands out all its jobs within a fraction of this; anything later reads afresh.
 * @defaultValue 2000
 */
export const CHECK_SNAPSHOT_MS = 2000;

interface Snapshot {
  readAt: number;
  /** Checks not yet handed to a job: each entry serves one job only. */
  unserved: Promise<Map<string, StoredCheckSpec>>;
}

/**
 * Loads the checks a worker process is about to run with one query per assessment instead of one per job: the
 * first job of an assessment reads every check of it, and moves the assessment from QUEUED to RUNNING side by
 * side with that read (so the first checks do not wait for two round trips; another process is stopped by the
 * guarded update). Each check of the read serves one job: a second delivery of the same check (a redelivered or
 * retried job) reads its row again, so a check that has meanwhile got its result is not run twice.
 */
export function createCheckLoader(deps: CheckLoaderDeps, options: { snapshotMs?: number } = {}): LoadCheck {
  const snapshotMs = options.snapshotMs ?? CHECK_SNAPSHOT_MS;
  const snapshots = new Map<string, Snapshot>();

  const start = async (assessmentId: string) => {
    if (await deps.assessments.markRunning(assessmentId, deps.now())) await deps.scheduler.requestRender(assessmentId);
  };

  /** The assessment's current snapshot, read now when it has none; `read` tells whether this call read it. */
  const snapshotOf = (assessmentId: string, now: number): { snapshot: Snapshot; read: boolean } => {
    for (const [id, snapshot] of snapshots) if (now - snapshot.readAt > snapshotMs) snapshots.delete(id);
    const existing = snapshots.get(assessmentId);
    if (existing) return { snapshot: existing, read: false };
    const unserved = Promise.all([deps.assessments.findCheckSpecs(assessmentId), start(assessmentId)]).then(([found]) => found);
    const snapshot = { readAt: now, unserved };
    snapshots.set(assessmentId, snapshot);
    // A failed read is not kept: the next job reads again.
    unserved.catch(() => snapshots.get(assessmentId) === snapshot && snapshots.delete(assessmentId));
    return { snapshot, read: true };
  };

  return async (assessmentId, checkId) => {
    const { snapshot, read } = snapshotOf(assessmentId, Date.now());
    const unserved = await snapshot.unserved;
    const check = unserved.get(checkId);
    if (check) {
      unserved.delete(checkId);
      return check;
    }
    // Not in a read made for this job: the check does not exist. Served already: read its current row.
    if (read) return undefined;
    return (await deps.assessments.findCheckSpecs(assessmentId, [checkId])).get(checkId);
  };
}
