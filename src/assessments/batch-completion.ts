import { createKeyedBatcher } from '../shared/keyed-batcher.ts';

/**
 * One step per assessment for the batches of it that reach it together in this process. The batches of one
 * assessment share their outcome writes (createOutcomeRecorder), so when the last write lands every batch waiting on
 * it goes on at once: each counted the checks left and, seeing none, ran the completion transaction, and all but
 * the first of those (14 for 1,000 checks) waited for the row lock only to find the verdict given. A call made while
 * the step runs waits for the next run, which starts after the call (so a count still sees the caller's committed
 * writes) and answers everyone who asked meanwhile; a failed run fails each of them, as their own call would have.
 */
export function oncePerAssessmentAtATime<R>(step: (assessmentId: string) => Promise<R>): (assessmentId: string) => Promise<R> {
  const coalesced = createKeyedBatcher<null, R>(async (assessmentId, callers) => {
    const result = await step(assessmentId);
    return callers.map(() => result);
  });
  return (assessmentId) => coalesced(assessmentId, null);
}
