import { describe, expect, it } from 'vitest';
import { createOutcomeRecorder } from '../../../src/assessments/outcome-recorder.ts';
import type { CheckOutcomeAt, StoredCheckSpec } from '../../../src/assessments/assessment.ports.ts';

const A1 = '6f1c1c1e-1b1a-4c4e-8a57-3f0c2f1d9a10';
const ids = (n: number) => Array.from({ length: n }, (_, i) => `check-${i}`);
const spec = (id: string): StoredCheckSpec => ({ spec: { id }, status: 'PENDING', service: 'checkout', environment: 'staging' });

/** A repository whose queries take a few ms, as Postgres's do, and which remembers every call. */
function fakeRepository(statuses: Record<string, 'QUEUED' | 'RUNNING'>, stored: readonly string[] = ids(50)) {
  const calls = { finds: [] as { assessmentId: string; checkIds: readonly string[] | undefined }[], marks: [] as string[], writes: [] as number[] };
  const pause = () => new Promise((resolve) => setTimeout(resolve, 3));
  const recorded = new Set<string>();
  return {
    calls,
    assessments: {
      async findCheckSpecs(assessmentId: string, checkIds?: readonly string[]) {
        calls.finds.push({ assessmentId, checkIds });
        await pause();
        return new Map((checkIds ?? stored).filter((id) => stored.includes(id)).map((id) => [id, spec(id)]));
      },
      async markRunning(assessmentId: string) {
        calls.marks.push(assessmentId);
        await pause();
        if (statuses[assessmentId] !== 'QUEUED') return false;
        statuses[assessmentId] = 'RUNNING';
        return true;
      },
      async recordCheckOutcomes(assessmentId: string, outcomes: readonly CheckOutcomeAt[]) {
        calls.writes.push(outcomes.length);
        await pause();
        const applied = new Set<string>();
        for (const { checkId } of outcomes) {
          const key = `${assessmentId}/${checkId}`;
          if (!recorded.has(key)) applied.add(checkId);
          recorded.add(key);
        }
        return applied;
      },
    },
  };
}

describe('createOutcomeRecorder', () => {
  const outcome = { status: 'PASS' as const, message: 'ok', evidence: {}, durationMs: 5, attempts: 1 };

  const renders = () => {
    const requested: string[] = [];
    return { requested, scheduler: { requestRender: async (assessmentId: string) => void requested.push(assessmentId) } };
  };

  it('writes outcomes that arrive together in a few statements and tells each caller whether it recorded', async () => {
    const repository = fakeRepository({});
    const { requested, scheduler } = renders();
    const record = createOutcomeRecorder({ ...repository, scheduler });
    const applied = await Promise.all(ids(40).map((checkId) => record(A1, checkId, outcome, new Date())));
    expect(applied.every(Boolean)).toBe(true);
    // The first few go out at once, side by side; the rest wait and go out together.
    expect(repository.calls.writes.length).toBeLessThanOrEqual(5);
    expect(repository.calls.writes.reduce((sum, n) => sum + n, 0)).toBe(40);
    // The message is asked to show them once per write, not once per outcome.
    expect(requested).toEqual(repository.calls.writes.map(() => A1));
    expect(await record(A1, 'check-0', outcome, new Date())).toBe(false);
    // A write that recorded nothing has nothing new to show.
    expect(requested).toHaveLength(repository.calls.writes.length - 1);
  });

  it('a failed render request fails the outcomes of its write, so the job retries', async () => {
    const repository = fakeRepository({});
    const redisDown = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const record = createOutcomeRecorder({ ...repository, scheduler: { requestRender: async () => Promise.reject(redisDown) } });
    await expect(record(A1, 'check-1', outcome, new Date())).rejects.toBe(redisDown);
  });

  it('the same check twice in one write is recorded for the first caller only', async () => {
    const repository = fakeRepository({});
    const record = createOutcomeRecorder({ ...repository, ...renders() });
    // The first four fill the writes in flight, so the three of check-9 wait and go out in one write together.
    const results = await Promise.all([...ids(4), 'check-9', 'check-9', 'check-9'].map((checkId) => record(A1, checkId, outcome, new Date())));
    expect(repository.calls.writes).toEqual([1, 1, 1, 1, 3]);
    expect(results).toEqual([true, true, true, true, true, false, false]);
  });
});
