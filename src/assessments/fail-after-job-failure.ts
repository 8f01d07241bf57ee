import type { AssessmentRepository, AssessmentScheduler } from './assessment.ports.ts';

export interface FailAssessmentDeps {
  assessments: Pick<AssessmentRepository, 'fail'>;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  now: () => Date;
}

/**
 * An assessment whose job failed for good ends FAILED with the reason (a guarded transition), and its message
 * is re-rendered to show it. An assessment that has already finished changes nothing and is not re-rendered.
 */
export async function failAssessmentAfterJobFailure(deps: FailAssessmentDeps, assessmentId: string, reason: string): Promise<boolean> {
  if (!(await deps.assessments.fail(assessmentId, reason, deps.now()))) return false;
  await deps.scheduler.requestRender(assessmentId);
  return true;
}
