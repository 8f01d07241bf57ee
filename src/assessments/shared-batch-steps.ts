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

/** Assessments a process remembers having started; older ones are forgotten first. */
const REMEMBERED_STARTS = 1000;

/**
 * The guarded QUEUED → RUNNING once per assessment in this process. Every batch of an assessment asked for it as it
 * began, so the 20 batches of 1,000 checks sent 20 UPDATEs of the one row, queued on its lock and on the pool ahead of
 * their reads of the checks to run, and 19 changed nothing (the status never goes back to QUEUED). A batch of an
 * assessment this process already started waits for that attempt and gets false (it did not make the change); a
 * failed attempt is forgotten, so the next batch tries again.
 */
export function startOncePerAssessment(markRunning: (assessmentId: string, at: Date) => Promise<boolean>) {
  const attempts = new Map<string, Promise<boolean>>();
  return (assessmentId: string, at: Date): Promise<boolean> => {
    const earlier = attempts.get(assessmentId);
    if (earlier) return earlier.then(() => false);
    const attempt = markRunning(assessmentId, at);
    attempts.set(assessmentId, attempt);
    attempt.catch(() => attempts.delete(assessmentId));
    if (attempts.size > REMEMBERED_STARTS) attempts.delete(attempts.keys().next().value as string);
    return attempt;
  };
}
