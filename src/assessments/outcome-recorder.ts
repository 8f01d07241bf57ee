import { createKeyedBatcher } from '../shared/keyed-batcher.ts';
import type { AssessmentRepository, AssessmentScheduler, CheckOutcomeAt, CheckOutcomeRecord } from './assessment.ports.ts';

/**
 * Records one check's outcome unless the check already has one; true when this call recorded it. Resolves once the
 * assessment's message has been asked to show it.
 */
export type RecordOutcome = (assessmentId: string, checkId: string, outcome: CheckOutcomeRecord, at: Date) => Promise<boolean>;

/**
 * Writes for one assessment in flight at once. Each write is a commit that waits for Postgres to flush its log,
 * so outcomes arriving meanwhile go out in a few overlapping writes instead of queueing behind one.
 */
const WRITES_IN_FLIGHT = 4;

/**
 * Writes the outcomes of checks of one assessment that finish together in few guarded statements instead of
 * one each (200 checks answering within milliseconds of each other would otherwise queue for the pool one
 * by one), and asks for the message render once per write that recorded something rather than once per outcome.
 * Each outcome is written after it was handed in; the guard makes overlapping writes safe. A render request that
 * fails fails every outcome of its write, as a failed write does (the job retries; the rows are recorded already).
 */
export function createOutcomeRecorder(deps: {
  assessments: Pick<AssessmentRepository, 'recordCheckOutcomes'>;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
}): RecordOutcome {
  const record = createKeyedBatcher<CheckOutcomeAt, boolean>(
    async (assessmentId, entries) => {
      const recorded = await deps.assessments.recordCheckOutcomes(assessmentId, entries);
      if (recorded.size > 0) await deps.scheduler.requestRender(assessmentId);
      // The same check twice in one batch (a redelivered job racing the first delivery): only the first counts.
      const seen = new Set<string>();
      return entries.map(({ checkId }) => {
        const first = !seen.has(checkId);
        seen.add(checkId);
        return first && recorded.has(checkId);
      });
    },
    { concurrency: WRITES_IN_FLIGHT },
  );
  return (assessmentId, checkId, outcome, at) => record(assessmentId, { checkId, outcome, at });
}
