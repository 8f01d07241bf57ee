import type { AssessmentRepository, AssessmentScheduler } from './assessment.ports.ts';

export interface FinishDeps {
  assessments: Pick<AssessmentRepository, 'find' | 'recordCheckOutcome' | 'complete'>;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  now: () => Date;
}

export type FinishResult = { ok: true; verdict: string; score: number } | { ok: false; reason: 'not_found' | 'already_finished' };

/**
 * Runs when every check job has finished. A check whose job gave up (its worker kept failing) is recorded as
 * ERROR with that reason, so the verdict is never computed over a silently missing result.
 */
export async function finishAssessment(
  deps: FinishDeps,
  input: { assessmentId: string; failedChecks: ReadonlyMap<string, string> },
): Promise<FinishResult> {
  const before = await deps.assessments.find(input.assessmentId);
  if (!before) return { ok: false, reason: 'not_found' };
  if (before.status === 'COMPLETED' || before.status === 'FAILED') return { ok: false, reason: 'already_finished' };

  // Manual checks stay PENDING until someone attests them; every other pending check lost its job.
  const pending = before.checks.filter((candidate) => candidate.status === 'PENDING' && candidate.type !== 'manual');
  for (const check of pending) {
    const failure = input.failedChecks.get(check.checkId) ?? 'no result was recorded';
    await deps.assessments.recordCheckOutcome(
      input.assessmentId,
      check.checkId,
      { status: 'ERROR', message: `the check could not be run: ${failure}`, evidence: {}, durationMs: null, attempts: 0 },
      deps.now(),
    );
  }
  const result = await deps.assessments.complete(input.assessmentId, deps.now());
  if (!result) return { ok: false, reason: 'already_finished' };
  await deps.scheduler.requestRender(input.assessmentId);
  return { ok: true, verdict: result.verdict, score: result.score };
}
