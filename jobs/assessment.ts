import type { Job } from 'bullmq';
import { jobIds } from '../src/queue/names.ts';
import { finishAssessment, type FinishDeps } from '../src/assessments/finish-assessment.ts';
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

/** The parent of an assessment flow: runs after every check job finished, computes the verdict. */
export function assessmentProcessor(deps: FinishDeps) {
  return async (job: Job) => {
    const { assessmentId } = parseJobData(AssessmentJobData, job.data, 'assessment');
    const failures = await job.getIgnoredChildrenFailures();
    return finishAssessment(deps, { assessmentId, failedChecks: failedChecksOf(assessmentId, failures) });
  };
}
