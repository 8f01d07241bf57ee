import type { Job } from 'bullmq';
import { jobIds } from '../src/queue/names.ts';
import { finishAssessment, type FinishDeps } from '../src/assessments/finish-assessment.ts';
import type { ReportScheduler } from '../src/reports/report.ports.ts';
import { requestOverflowReport } from '../src/reports/overflow-report.ts';
import { needsReportInThread } from '../src/slack/views/assessment-message.ts';
import { AssessmentJobData, parseJobData } from './job-data.ts';

/** Failed child job keys end in the check's job id; map them back to check ids. */
function failedChecksOf(assessmentId: string, failures: Record<string, string>): Map<string, string> {
  const marker = `${jobIds.check(assessmentId, '')}`;
  const byCheck = new Map<string, string>();
  for (const [jobKey, reason] of Object.entries(failures)) {
    const at = jobKey.lastIndexOf(marker);
    if (at >= 0) byCheck.set(jobKey.slice(at + marker.length), reason);
  }
  return byCheck;
}

export interface AssessmentJobDeps extends FinishDeps {
  reports: ReportScheduler;
  /** Sign-off follow-ups of a completed assessment: stale requests, automatic requests. */
  afterCompletion?: ((assessmentId: string) => Promise<void>) | undefined;
  /** Opens an incident when a critical check regressed on a service that was GO; once per assessment. */
  reportRegression?: ((assessmentId: string) => Promise<void>) | undefined;
}

/** The parent of an assessment flow: runs after every check job finished, computes the verdict. */
export function assessmentProcessor(deps: AssessmentJobDeps) {
  return async (job: Job) => {
    const { assessmentId } = parseJobData(AssessmentJobData, job.data, 'assessment');
    const failures = await job.getIgnoredChildrenFailures();
    const result = await finishAssessment(deps, { assessmentId, failedChecks: failedChecksOf(assessmentId, failures) });
    if (result.ok || result.reason === 'already_finished') {
      await requestOverflowReport({ ...deps, messageOverflows: needsReportInThread }, assessmentId);
      await deps.afterCompletion?.(assessmentId);
      await deps.reportRegression?.(assessmentId);
    }
    return result;
  };
}
