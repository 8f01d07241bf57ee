import { describe, expect, it } from 'vitest';
import { FINISHED_TIMER_KEPT_MS, rebuildTimers, shouldRebuild, timerJobId, type Timer } from '../../../src/recovery/rebuild-timers.ts';
import { silentLogger } from '../../../src/shared/logger.ts';

const NOW = new Date('2026-12-03T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const escalation: Timer = { kind: 'escalation', subjectId: 'inc-1', dueAt: ago(5000), step: { plan: 0, level: 1, round: 0 } };
const expiry: Timer = { kind: 'signoff_expiry', subjectId: 'req-1', dueAt: new Date(NOW.getTime() + 60_000) };

function fakeQueue(present: string[]) {
  const jobs = new Set(present);
  const armed: string[] = [];
  const audits: { dedupeKey: string; subjectId: string }[] = [];
  return {
    armed,
    audits,
    jobs: {
      present: async (timer: Timer) => jobs.has(timerJobId(timer)),
      arm: async (timer: Timer) => {
        jobs.add(timerJobId(timer));
        armed.push(timerJobId(timer));
      },
    },
    audit: {
      record: async (entry: { dedupeKey: string; subjectId: string }) => {
        audits.push(entry);
        return true;
      },
    },
  };
}

describe('rebuildTimers', () => {
  it('arms each missing timer under the id it was first armed under, audits it, and leaves present ones alone', async () => {
    const queue = fakeQueue([timerJobId(expiry)]);
    const report = await rebuildTimers({ timers: { armedTimers: async () => [escalation, expiry] }, ...queue, now: () => NOW, logger: silentLogger });
    expect(report).toEqual({ inspected: 2, rebuilt: 1, errors: 0 });
    expect(queue.armed).toEqual(['escalate_inc-1_0_1_0']);
    expect(queue.audits).toHaveLength(1);
    expect(queue.audits[0]).toMatchObject({ action: 'recovery.timer_rebuilt', subjectId: 'inc-1', data: { overdueMs: 5000 } });
    // A second rebuild finds every timer present.
    const again = await rebuildTimers({ timers: { armedTimers: async () => [escalation, expiry] }, ...queue, now: () => NOW, logger: silentLogger });
    expect(again.rebuilt).toBe(0);
  });

  it('counts a timer it could not arm as an error and goes on with the rest', async () => {
    const queue = fakeQueue([]);
    const failing = {
      ...queue.jobs,
      arm: async (timer: Timer) => (timer.kind === 'escalation' ? Promise.reject(new Error('redis away')) : queue.jobs.arm(timer)),
    };
    const report = await rebuildTimers({
      timers: { armedTimers: async () => [escalation, expiry] },
      jobs: failing,
      audit: queue.audit,
      now: () => NOW,
      logger: silentLogger,
    });
    expect(report).toEqual({ inspected: 2, rebuilt: 1, errors: 1 });
  });
});

describe('shouldRebuild', () => {
  it('rebuilds escalations and expiries however overdue: their rows change when they fire', () => {
    expect(shouldRebuild({ ...escalation, dueAt: ago(10 * FINISHED_TIMER_KEPT_MS) }, NOW)).toBe(true);
    expect(shouldRebuild({ kind: 'plan_expiry', subjectId: 'd', dueAt: ago(10 * FINISHED_TIMER_KEPT_MS) }, NOW)).toBe(true);
  });

  it('rebuilds a rollback alarm only while a fired one would still be kept, so a cleaned-up alarm is not raised twice', () => {
    expect(shouldRebuild({ kind: 'rollback_deadline', subjectId: 'd', dueAt: ago(60_000) }, NOW)).toBe(true);
    expect(shouldRebuild({ kind: 'rollback_deadline', subjectId: 'd', dueAt: ago(FINISHED_TIMER_KEPT_MS + 1) }, NOW)).toBe(false);
  });
});
