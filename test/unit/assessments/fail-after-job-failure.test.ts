import { describe, expect, it } from 'vitest';
import { failAssessmentAfterJobFailure } from '../../../src/assessments/fail-after-job-failure.ts';

const NOW = new Date('2025-06-01T12:00:00.000Z');

function fakeDeps(applied: boolean) {
  const calls: string[] = [];
  const deps = {
    assessments: {
      fail: async (id: string, why: string, at: Date) => {
        calls.push(`fail ${id} ${why} ${at.toISOString()}`);
        return applied;
      },
    },
    scheduler: { requestRender: async (id: string) => void calls.push(`render ${id}`) },
    now: () => NOW,
  };
  return { deps, calls };
}

describe('failAssessmentAfterJobFailure', () => {
  it('ends the assessment FAILED with the reason, then re-renders its message', async () => {
    const { deps, calls } = fakeDeps(true);
    expect(await failAssessmentAfterJobFailure(deps, 'a-1', 'the job failed')).toBe(true);
    expect(calls).toEqual([`fail a-1 the job failed ${NOW.toISOString()}`, 'render a-1']);
  });

  it('leaves the message alone when the assessment had already finished', async () => {
    const { deps, calls } = fakeDeps(false);
    expect(await failAssessmentAfterJobFailure(deps, 'a-1', 'the job failed')).toBe(false);
    expect(calls).toEqual([`fail a-1 the job failed ${NOW.toISOString()}`]);
  });
});
