import type { Job } from 'bullmq';
import { jobIds } from '../src/queue/names.ts';
import { finishAssessment, type FinishDeps } from '../src/assessments/finish-assessment.ts';
import type { ReportScheduler } from '../src/reports/report.ports.ts';
import { requestOverflowReport } from '../src/reports/overflow-report.ts';
import { needsReportInThread } from '../src/slack/views/assessment-message.ts';
import { AssessmentJobData, parseJobData } from './job-data.ts';

/**
 * Failed child job keys end in the job id: a one-check job's names its check; a batch job's does not, so its reason
 * goes to every check it left without a result (finishAssessment's `failedBatches`).
 */
function failuresOf(assessmentId: string, failures: Record<string, string>) {
  const marker = `${jobIds.check(assessmentId, '')}`;
  const failedChecks = new Map<string, string>();
  const failedBatches: string[] = [];
  for (const [jobKey, reason] of Object.entries(failures)) {
    const at = jobKey.lastIndexOf(marker);
    if (at >= 0) failedChecks.set(jobKey.slice(at + marker.length), reason);
    else failedBatches.push(reason);
  }
  return { failedChecks, failedBatches };
}

export interface AssessmentJobDeps extends FinishDeps {
  reports: ReportScheduler;
  /** Sign-off follow-ups of a completed assessment: stale requests, automatic requests. */
  afterCompletion?: ((assessmentId: string) => Promise<void>) | undefined;
  /** Opens an incident when a critical check regressed on a service that was GO; once per assessment. */
  reportRegression?: ((assessmentId: string) => Promise<void>) | undefined;
}

/**
 * The parent of an assessment flow: runs after every batch job finished. The batch that recorded the last result
 * has given the verdict already as a rule; this one then finds it finished, and either way runs what follows a
 * verdict (the overflow report, sign-off follow-ups, the regression incident), each once per assessment. Finding it
 * finished, finishAssessment asks for its render again: the batch's own request may have failed after the commit.
 */
export function assessmentProcessor(deps: AssessmentJobDeps) {
  return async (job: Job) => {
    const { assessmentId } = parseJobData(AssessmentJobData, job.data, 'assessment');
    const failures = await job.getIgnoredChildrenFailures();
    const result = await finishAssessment(deps, { assessmentId, ...failuresOf(assessmentId, failures) });
    if (result.ok || result.reason === 'already_finished') {
      await requestOverflowReport({ ...deps, messageOverflows: needsReportInThread }, assessmentId);
      await deps.afterCompletion?.(assessmentId);
      await deps.reportRegression?.(assessmentId);
    }
    return result;
  };
}
