import { describe, expect, it } from 'vitest';
import { createCheckLoader } from '../../../src/assessments/check-loader.ts';
import { createOutcomeRecorder } from '../../../src/assessments/outcome-recorder.ts';
import type { CheckOutcomeAt, StoredCheckSpec } from '../../../src/assessments/assessment.ports.ts';

const A1 = '6f1c1c1e-1b1a-4c4e-8a57-3f0c2f1d9a10';
const A2 = '0b7d7bd2-3a43-4d0f-9d0e-5f5b8e0f6c21';
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

describe('createCheckLoader', () => {
  it('loads a burst of one assessment in one query and starts the assessment once, asking for one render', async () => {
    const repository = fakeRepository({ [A1]: 'QUEUED' });
    const renders: string[] = [];
    const load = createCheckLoader({ ...repository, scheduler: { requestRender: async (id) => void renders.push(id) }, now: () => new Date() });
    const found = await Promise.all(ids(50).map((checkId) => load(A1, checkId)));
    expect(found.map((check) => (check?.spec as { id: string } | undefined)?.id)).toEqual(ids(50));
    expect(repository.calls.finds).toEqual([{ assessmentId: A1, checkIds: undefined }]);
    expect(repository.calls.marks).toEqual([A1]);
    expect(renders).toEqual([A1]);
  });

  it('a burst for an assessment another worker already started writes nothing and asks for no render', async () => {
    const repository = fakeRepository({ [A1]: 'RUNNING' });
    const renders: string[] = [];
    const load = createCheckLoader({ ...repository, scheduler: { requestRender: async (id) => void renders.push(id) }, now: () => new Date() });
    await Promise.all(ids(10).map((checkId) => load(A1, checkId)));
    expect(repository.calls.marks).toEqual([A1]);
    expect(renders).toEqual([]);
  });

  it('jobs picked up after the read are served from it, within the snapshot time', async () => {
    const repository = fakeRepository({ [A1]: 'QUEUED' });
    const load = createCheckLoader({ ...repository, scheduler: { requestRender: async () => undefined }, now: () => new Date() });
    await load(A1, 'check-0');
    await Promise.all(['check-1', 'check-2'].map((checkId) => load(A1, checkId)));
    expect(repository.calls.finds).toHaveLength(1);
  });

  it('a second delivery of the same check reads its row again instead of trusting the earlier read', async () => {
    const repository = fakeRepository({ [A1]: 'QUEUED' });
    const load = createCheckLoader({ ...repository, scheduler: { requestRender: async () => undefined }, now: () => new Date() });
    await load(A1, 'check-3');
    await load(A1, 'check-3');
    expect(repository.calls.finds).toEqual([
      { assessmentId: A1, checkIds: undefined },
      { assessmentId: A1, checkIds: ['check-3'] },
    ]);
  });

  it('an unknown check is undefined, and an expired snapshot is read again', async () => {
    const repository = fakeRepository({ [A1]: 'QUEUED' });
    const load = createCheckLoader({ ...repository, scheduler: { requestRender: async () => undefined }, now: () => new Date() }, { snapshotMs: 0 });
    expect(await load(A1, 'missing')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(await load(A1, 'check-1')).toBeDefined();
    expect(repository.calls.finds.map((call) => call.checkIds)).toEqual([undefined, undefined]);
    expect(repository.calls.marks).toEqual([A1, A1]);
  });

  it('a failed read is not kept: the next job reads again', async () => {
    const repository = fakeRepository({ [A1]: 'QUEUED' });
    let failures = 1;
    const assessments = {
      ...repository.assessments,
      async findCheckSpecs(assessmentId: string, checkIds?: readonly string[]) {
        if (failures-- > 0) throw new Error('connection reset');
        return repository.assessments.findCheckSpecs(assessmentId, checkIds);
      },
    };
    const load = createCheckLoader({ assessments, scheduler: { requestRender: async () => undefined }, now: () => new Date() });
    await expect(load(A1, 'check-1')).rejects.toThrow('connection reset');
    expect(await load(A1, 'check-1')).toBeDefined();
  });

  it('keeps assessments apart', async () => {
    const repository = fakeRepository({ [A1]: 'QUEUED', [A2]: 'QUEUED' });
    const load = createCheckLoader({ ...repository, scheduler: { requestRender: async () => undefined }, now: () => new Date() });
    await Promise.all([...ids(3).map((checkId) => load(A1, checkId)), ...ids(3).map((checkId) => load(A2, checkId))]);
    expect(new Set(repository.calls.finds.map((call) => call.assessmentId))).toEqual(new Set([A1, A2]));
    expect(repository.calls.marks.sort()).toEqual([A1, A2].sort());
  });
});

describe('createOutcomeRecorder', () => {
  const outcome = { status: 'PASS' as const, message: 'ok', evidence: {}, durationMs: 5, attempts: 1 };

  it('writes outcomes that arrive together in a few statements and tells each caller whether it recorded', async () => {
    const repository = fakeRepository({});
    const record = createOutcomeRecorder(repository);
    const applied = await Promise.all(ids(40).map((checkId) => record(A1, checkId, outcome, new Date())));
    expect(applied.every(Boolean)).toBe(true);
    // The first few go out at once, side by side; the rest wait and go out together.
    expect(repository.calls.writes.length).toBeLessThanOrEqual(5);
    expect(repository.calls.writes.reduce((sum, n) => sum + n, 0)).toBe(40);
    expect(await record(A1, 'check-0', outcome, new Date())).toBe(false);
  });

  it('the same check twice in one write is recorded for the first caller only', async () => {
    const repository = fakeRepository({});
    const record = createOutcomeRecorder(repository);
    // The first four fill the writes in flight, so the three of check-9 wait and go out in one write together.
    const results = await Promise.all([...ids(4), 'check-9', 'check-9', 'check-9'].map((checkId) => record(A1, checkId, outcome, new Date())));
    expect(repository.calls.writes).toEqual([1, 1, 1, 1, 3]);
    expect(results).toEqual([true, true, true, true, true, false, false]);
  });
});
