import type { AssessmentRepository, AssessmentScheduler } from './assessment.ports.ts';
import { FINISHED_ASSESSMENT_STATUSES } from './assessment.types.ts';
import { infrastructureCauseOf } from './infrastructure-retry.ts';

export interface FinishDeps {
  assessments: Pick<AssessmentRepository, 'find' | 'recordCheckOutcome' | 'complete' | 'markUnassessable'>;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  now: () => Date;
}

export type FinishResult =
  | { ok: true; verdict: string; score: number }
  /** Our infrastructure failed past the retry window: no verdict, and nothing that follows a verdict runs. */
  | { ok: false; reason: 'unassessable'; cause: string }
  | { ok: false; reason: 'not_found' | 'already_finished' };

/** The first infrastructure cause among the check jobs that gave up, if any gave up because of us. */
function infrastructureCause(reasons: Iterable<string>): string | undefined {
  for (const reason of reasons) {
    const cause = infrastructureCauseOf(reason);
    if (cause !== undefined) return cause;
  }
  return undefined;
}

/**
 * Runs when every check job has finished. A check whose job gave up because our database or Redis stayed down past
 * the retry window makes the whole assessment "could not assess" (UNASSESSABLE, with the cause): a verdict over
 * checks we could not run would be about us, not the service. A check whose job gave up for another reason is
 * recorded as ERROR with that reason, so the verdict is never computed over a silently missing result.
 */
export async function finishAssessment(
  deps: FinishDeps,
  input: {
    assessmentId: string;
    /** Why the job of one check gave up, by check id (jobs of one check each). */
    failedChecks: ReadonlyMap<string, string>;
    /** Why batch jobs gave up: the reason of every check they left without a result. */
    failedBatches?: readonly string[] | undefined;
  },
): Promise<FinishResult> {
  const before = await deps.assessments.find(input.assessmentId);
  if (!before) return { ok: false, reason: 'not_found' };
  if (FINISHED_ASSESSMENT_STATUSES.includes(before.status)) {
    // Finished by an earlier attempt whose render request may have failed after the transition committed (a Redis
    // blip): asked again here, or the message might never show the verdict. Renders are deduplicated per message.
    await deps.scheduler.requestRender(input.assessmentId);
    if (before.status === 'UNASSESSABLE') return { ok: false, reason: 'unassessable', cause: before.failureReason ?? '' };
    return { ok: false, reason: 'already_finished' };
  }

  const batchReasons = input.failedBatches ?? [];
  const cause = infrastructureCause([...input.failedChecks.values(), ...batchReasons]);
  if (cause !== undefined) {
    const marked = await deps.assessments.markUnassessable(input.assessmentId, cause, deps.now());
    // Rendered whether this call or a concurrent one finished it (see above).
    await deps.scheduler.requestRender(input.assessmentId);
    return marked ? { ok: false, reason: 'unassessable', cause } : { ok: false, reason: 'already_finished' };
  }

  // Manual checks stay PENDING until someone attests them; every other pending check lost its job.
  const pending = before.checks.filter((candidate) => candidate.status === 'PENDING' && candidate.type !== 'manual');
  for (const check of pending) {
    const failure = input.failedChecks.get(check.checkId) ?? (batchReasons.join('; ') || 'no result was recorded');
    await deps.assessments.recordCheckOutcome(
      input.assessmentId,
      check.checkId,
      { status: 'ERROR', message: `the check could not be run: ${failure}`, evidence: {}, durationMs: null, attempts: 0 },
      deps.now(),
    );
  }
  const result = await deps.assessments.complete(input.assessmentId, deps.now());
  // Rendered whether this call or a concurrent one finished it (see above).
  await deps.scheduler.requestRender(input.assessmentId);
  if (!result) return { ok: false, reason: 'already_finished' };
  return { ok: true, verdict: result.verdict, score: result.score };
}

/**
 * The verdict of an assessment whose checks all have their result (a batch saw none left): scored and completed in
 * the one guarded transition, without finishAssessment's read of every check first. False when it had finished.
 * The render is requested either way: when an earlier delivery committed the verdict and then failed to add its
 * render (a Redis blip), this retry is the only one left to ask for it. Renders are deduplicated per message.
 */
export async function completeRecordedAssessment(
  deps: { assessments: Pick<AssessmentRepository, 'complete'>; scheduler: Pick<AssessmentScheduler, 'requestRender'>; now: () => Date },
  assessmentId: string,
): Promise<boolean> {
  const result = await deps.assessments.complete(assessmentId, deps.now());
  await deps.scheduler.requestRender(assessmentId);
  return result !== undefined;
}
