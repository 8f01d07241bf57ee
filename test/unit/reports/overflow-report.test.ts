import { describe, expect, it } from 'vitest';
import type { AssessmentView } from '../../../src/assessments/assessment.types.ts';
import { requestOverflowReport } from '../../../src/reports/overflow-report.ts';
import type { ReportRequest } from '../../../src/reports/report.ports.ts';
import { ASSESSMENT_ID, check, completedView } from './fixtures.ts';

function fakeDeps(view: AssessmentView | undefined, overflows: boolean) {
  const requested: ReportRequest[] = [];
  const asked: AssessmentView[] = [];
  const deps = {
    assessments: { find: async () => view },
    reports: { requestReport: async (request: ReportRequest) => void requested.push(request) },
    messageOverflows: (candidate: AssessmentView) => {
      asked.push(candidate);
      return overflows;
    },
  };
  return { deps, requested, asked };
}

describe('requestOverflowReport', () => {
  it('asks for the full report in the thread, under the one overflow key, when the message overflows', async () => {
    const view = completedView([check('health', 'FAIL')]);
    const { deps, requested, asked } = fakeDeps(view, true);
    expect(await requestOverflowReport(deps, ASSESSMENT_ID)).toBe(true);
    expect(asked).toEqual([view]);
    expect(requested).toEqual([{ assessmentId: ASSESSMENT_ID, key: 'overflow', requestedBy: 'system' }]);
  });

  it('asks for nothing when the message lists everything', async () => {
    const { deps, requested } = fakeDeps(completedView([check('health', 'PASS')]), false);
    expect(await requestOverflowReport(deps, ASSESSMENT_ID)).toBe(false);
    expect(requested).toEqual([]);
  });

  it('asks for nothing when the assessment is gone', async () => {
    const { deps, requested, asked } = fakeDeps(undefined, true);
    expect(await requestOverflowReport(deps, ASSESSMENT_ID)).toBe(false);
    expect(asked).toEqual([]);
    expect(requested).toEqual([]);
  });
});
