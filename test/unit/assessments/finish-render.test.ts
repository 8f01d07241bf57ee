import { describe, expect, it } from 'vitest';
import type { AssessmentView } from '../../../src/assessments/assessment.types.ts';
import { completeRecordedAssessment, finishAssessment, type FinishDeps } from '../../../src/assessments/finish-assessment.ts';
import { infrastructureGiveUpReason } from '../../../src/assessments/infrastructure-retry.ts';
import { checkResult } from '../../support/fixtures/check-result.ts';

/**
 * One assessment whose verdict transition commits, and a render add that fails the first time (Redis blipped right
 * after the commit). Whatever attempt comes next must still ask for the render, or the message never shows the verdict.
 */
function world() {
  let status: AssessmentView['status'] = 'RUNNING';
  const renders: string[] = [];
  let renderFailures = 1;
  const view = (): AssessmentView => ({
    id: 'a1',
    service: 'checkout',
    environment: 'production',
    status,
    requestedBy: 'U1',
    channelId: 'C1',
    messageTs: '1.2',
    score: null,
    verdict: null,
    thresholds: { go: 95, caution: 80 },
    failureReason: status === 'UNASSESSABLE' ? 'redis away' : null,
    createdAt: new Date(0),
    completedAt: null,
    checks: [checkResult('health', 'PASS')],
  });
  const deps: FinishDeps = {
    assessments: {
      find: async () => view(),
      recordCheckOutcome: async () => true,
      complete: async () => {
        if (status !== 'RUNNING') return undefined;
        status = 'COMPLETED';
        return { verdict: 'GO', score: 100 } as never;
      },
      markUnassessable: async () => {
        if (status !== 'RUNNING') return false;
        status = 'UNASSESSABLE';
        return true;
      },
    },
    scheduler: {
      requestRender: async (id) => {
        if (renderFailures-- > 0) throw new Error('Connection is closed.');
        renders.push(id);
      },
    },
    now: () => new Date(0),
  };
  return { deps, renders, status: () => status };
}

describe('the render after a verdict survives a failed render add', () => {
  it('a batch retry that finds the verdict committed asks for the render again', async () => {
    const { deps, renders, status } = world();
    await expect(completeRecordedAssessment(deps, 'a1')).rejects.toThrow('Connection is closed.');
    expect(status()).toBe('COMPLETED');
    expect(renders).toEqual([]);
    // The batch job's retry: the transition no longer applies, the render is asked for all the same.
    expect(await completeRecordedAssessment(deps, 'a1')).toBe(false);
    expect(renders).toEqual(['a1']);
  });

  it('the parent assessment job finding the assessment finished asks for the render', async () => {
    const { deps, renders } = world();
    await expect(completeRecordedAssessment(deps, 'a1')).rejects.toThrow();
    expect(await finishAssessment(deps, { assessmentId: 'a1', failedChecks: new Map() })).toEqual({ ok: false, reason: 'already_finished' });
    expect(renders).toEqual(['a1']);
  });

  it('a retry of the parent job after "could not assess" committed asks for the render again', async () => {
    const { deps, renders } = world();
    const failed = new Map([['health', infrastructureGiveUpReason('redis away')]]);
    await expect(finishAssessment(deps, { assessmentId: 'a1', failedChecks: failed })).rejects.toThrow();
    expect(await finishAssessment(deps, { assessmentId: 'a1', failedChecks: failed })).toMatchObject({ reason: 'unassessable' });
    expect(renders).toEqual(['a1']);
  });
});
