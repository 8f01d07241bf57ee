import { describe, expect, it } from 'vitest';
import { oncePerAssessmentAtATime, startOncePerAssessment } from '../../../src/assessments/shared-batch-steps.ts';

const A1 = '6f1c1c1e-1b1a-4c4e-8a57-3f0c2f1d9a10';
const A2 = '0b7f2c56-52d4-4d4f-9f3e-2f0d6a1c8e21';

/** A step whose runs are released by hand, remembering when each started. */
function manualStep() {
  const runs: { assessmentId: string; release: (value: number) => void; fail: (error: Error) => void }[] = [];
  const step = (assessmentId: string) =>
    new Promise<number>((resolve, reject) => {
      runs.push({ assessmentId, release: resolve, fail: reject });
    });
  return { runs, step };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('oncePerAssessmentAtATime', () => {
  it('batches asking while a run is out share one next run, which starts after they asked', async () => {
    const { runs, step } = manualStep();
    const once = oncePerAssessmentAtATime(step);
    const first = once(A1);
    await settled();
    // Twelve more batches reach the step while the first run (which began before their writes) is out.
    const later = Array.from({ length: 12 }, () => once(A1));
    await settled();
    expect(runs).toHaveLength(1);
    runs[0]?.release(3);
    expect(await first).toBe(3);
    await settled();
    // One more run for all twelve, begun only now: it sees what they wrote before asking.
    expect(runs).toHaveLength(2);
    runs[1]?.release(0);
    expect(await Promise.all(later)).toEqual(Array.from({ length: 12 }, () => 0));
  });

  it('runs for different assessments side by side', async () => {
    const { runs, step } = manualStep();
    const once = oncePerAssessmentAtATime(step);
    const answers = [once(A1), once(A2)];
    await settled();
    expect(runs.map((run) => run.assessmentId)).toEqual([A1, A2]);
    for (const run of runs) run.release(1);
    expect(await Promise.all(answers)).toEqual([1, 1]);
  });

  it('a failed run fails every batch that shared it (each retries), and the next call runs again', async () => {
    const { runs, step } = manualStep();
    const once = oncePerAssessmentAtATime(step);
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const first = once(A1);
    await settled();
    runs[0]?.fail(outage);
    await expect(first).rejects.toBe(outage);
    const again = once(A1);
    await settled();
    runs[1]?.release(0);
    expect(await again).toBe(0);
  });
});

describe('startOncePerAssessment', () => {
  it('sends the guarded start once per assessment; later batches wait for it and are told they did not make the change', async () => {
    const updates: string[] = [];
    const start = startOncePerAssessment(async (assessmentId) => {
      updates.push(assessmentId);
      await settled();
      return true;
    });
    const answers = await Promise.all([start(A1, new Date()), start(A1, new Date()), start(A2, new Date()), start(A1, new Date())]);
    expect(answers).toEqual([true, false, true, false]);
    expect(updates).toEqual([A1, A2]);
  });

  it('forgets a start that failed, so the next batch tries again', async () => {
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    let calls = 0;
    const start = startOncePerAssessment(async () => {
      calls += 1;
      if (calls === 1) throw outage;
      return true;
    });
    await expect(start(A1, new Date())).rejects.toBe(outage);
    expect(await start(A1, new Date())).toBe(true);
  });
});
