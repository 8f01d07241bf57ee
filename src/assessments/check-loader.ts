import type { AssessmentScheduler } from '../queue/queues.ts';
import { createKeyedBatcher } from '../shared/keyed-batcher.ts';
import type { AssessmentRepository, StoredCheckSpec } from '../store/assessments.repository.ts';

export interface CheckLoaderDeps {
  assessments: Pick<AssessmentRepository, 'findCheckSpecs' | 'markRunning'>;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  now: () => Date;
}

/** Finds one check of an assessment for its job; undefined when the assessment or the check does not exist. */
export type LoadCheck = (assessmentId: string, checkId: string) => Promise<StoredCheckSpec | undefined>;

/**
 * Loads the checks a worker process is about to run, one query per burst of jobs of the same assessment
 * instead of one per job, and moves the assessment from QUEUED to RUNNING with the first load of a burst
 * (side by side with it, so the first checks do not wait for two round trips). Loads of one assessment run
 * one at a time, so the later loads of the burst write nothing; another worker process, or a later burst of
 * retries, is stopped by the guarded update.
 */
export function createCheckLoader(deps: CheckLoaderDeps): LoadCheck {
  const start = async (assessmentId: string) => {
    if (await deps.assessments.markRunning(assessmentId, deps.now())) await deps.scheduler.requestRender(assessmentId);
  };
  const load = createKeyedBatcher<string, StoredCheckSpec | undefined>(async (assessmentId, checkIds, round) => {
    const [found] = await Promise.all([deps.assessments.findCheckSpecs(assessmentId, checkIds), round === 0 ? start(assessmentId) : undefined]);
    return checkIds.map((checkId) => found.get(checkId));
  });
  return (assessmentId, checkId) => load(assessmentId, checkId);
}
