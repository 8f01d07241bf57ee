import { errorFields, type Logger } from '../shared/logger.ts';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { workJobIds } from './work-job-ids.ts';

/**
 * A timer the database says must exist: one delayed job, under its deterministic id, due at a time the database
 * holds. Redis losing its data loses the job, never the row, so every timer can be rebuilt from here.
 */
export type Timer =
  | { kind: 'escalation'; subjectId: string; dueAt: Date; step: { plan: number; level: number; round: number } }
  | { kind: 'signoff_expiry'; subjectId: string; dueAt: Date }
  | { kind: 'plan_expiry'; subjectId: string; dueAt: Date }
  /** The rollback's max-duration alarm (a deployment ROLLING_BACK). */
  | { kind: 'rollback_deadline'; subjectId: string; dueAt: Date };

export type TimerKind = Timer['kind'];

/** The timers the database says are armed: open incidents, PENDING sign-off requests, PLANNED and ROLLING_BACK deployments. */
export interface TimerSource {
  armedTimers(): Promise<Timer[]>;
}

/** The queue's side: is a timer's job there (in any state), and add it under its id (a no-op when it exists). */
export interface TimerJobs {
  present(timer: Timer): Promise<boolean>;
  /** Adds the job, due at `timer.dueAt` (at once when that has passed). */
  arm(timer: Timer): Promise<void>;
}

export interface RebuildTimersDeps {
  timers: TimerSource;
  jobs: TimerJobs;
  audit: { record(entry: AuditEntry & { dedupeKey: string }): Promise<boolean> };
  now: () => Date;
  logger: Logger;
}

export interface RebuildReport {
  /** Timers the database holds. */
  inspected: number;
  /** Timers whose job was missing and was added again. */
  rebuilt: number;
  /** Timers whose check or rebuild threw; the next sweep tries again. */
  errors: number;
}

/**
 * A finished timer job is kept this long (the queues' removeOnComplete age) before BullMQ removes it. A rollback
 * alarm missing more than this after its due time most likely fired and was removed, so it is not armed again:
 * the rollback's state does not change when its alarm fires, and a second alarm would be a doubled post.
 * @defaultValue 1 hour
 */
export const FINISHED_TIMER_KEPT_MS = 3600_000;

const SUBJECT_TYPE = {
  escalation: 'incident',
  signoff_expiry: 'signoff_request',
  plan_expiry: 'deployment',
  rollback_deadline: 'deployment',
} as const;

/** The timer's job id, the one it was first armed under. */
export function timerJobId(timer: Timer): string {
  switch (timer.kind) {
    case 'escalation':
      return workJobIds.escalation(timer.subjectId, timer.step);
    case 'signoff_expiry':
      return workJobIds.signoffExpiry(timer.subjectId);
    case 'plan_expiry':
      return workJobIds.planExpiry(timer.subjectId);
    case 'rollback_deadline':
      return workJobIds.rollbackDeadline(timer.subjectId);
  }
}

/** Whether a missing job is a lost timer (arm it) rather than one that fired and was cleaned up. */
export function shouldRebuild(timer: Timer, now: Date): boolean {
  // Escalations, sign-off and plan expiries change their row when they fire, so one the database still holds has not fired.
  if (timer.kind !== 'rollback_deadline') return true;
  return now.getTime() - timer.dueAt.getTime() < FINISHED_TIMER_KEPT_MS;
}

/**
 * Makes Redis hold every timer the database says is armed, as after Redis lost its data (a restart without
 * persistence, a failover to an empty replica, a FLUSHALL). Each timer is added under its deterministic id, so a
 * live one is never doubled and two workers rebuilding at once add it once; an overdue one fires at once. Each
 * rebuild is audited as `recovery.timer_rebuilt` by "system". Throws only when the database cannot be read.
 */
export async function rebuildTimers(deps: RebuildTimersDeps): Promise<RebuildReport> {
  const timers = await deps.timers.armedTimers();
  const report: RebuildReport = { inspected: timers.length, rebuilt: 0, errors: 0 };
  for (const timer of timers) {
    const jobId = timerJobId(timer);
    try {
      if (await deps.jobs.present(timer)) continue;
      const now = deps.now();
      if (!shouldRebuild(timer, now)) continue;
      await deps.jobs.arm(timer);
      report.rebuilt += 1;
      const overdueMs = Math.max(0, now.getTime() - timer.dueAt.getTime());
      await deps.audit.record({
        actor: 'system',
        action: 'recovery.timer_rebuilt',
        subjectType: SUBJECT_TYPE[timer.kind],
        subjectId: timer.subjectId,
        reason: `its ${timer.kind.replace('_', ' ')} timer was missing from the queue (Redis lost it); armed it again from the database`,
        before: { job: 'missing' },
        after: { job: 'armed', dueAt: timer.dueAt.toISOString() },
        data: { timer: timer.kind, jobId, overdueMs },
        // One event per timer per minute: a second loss later is recorded again, replicas racing once.
        dedupeKey: `recovery.timer_rebuilt:${jobId}:${Math.floor(now.getTime() / 60_000)}`,
      });
      deps.logger.info('rebuilt a lost timer', { timer: timer.kind, subjectId: timer.subjectId, jobId, overdueMs });
    } catch (error) {
      report.errors += 1;
      deps.logger.warn('could not rebuild a timer; the next sweep tries again', { timer: timer.kind, jobId, ...errorFields(error) });
    }
  }
  return report;
}
