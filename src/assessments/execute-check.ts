import { CheckSpec } from '../config/readiness-config.schema.ts';
import type { TimedOutcome } from '../checks/run-check.ts';
import type { AssessmentScheduler } from '../queue/queues.ts';
import type { AssessmentRepository } from '../store/assessments.repository.ts';

export interface ExecuteCheckDeps {
  assessments: Pick<AssessmentRepository, 'findCheckSpec' | 'markRunning' | 'recordCheckOutcome'>;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  runCheck: (spec: CheckSpec) => Promise<TimedOutcome>;
  now: () => Date;
}

export type ExecuteCheckResult = 'recorded' | 'already_recorded' | 'unknown_check';

/** Runs one check of an assessment and records its outcome once, however often the job is delivered. */
export async function executeCheck(
  deps: ExecuteCheckDeps,
  input: { assessmentId: string; checkId: string; attempt: number },
): Promise<ExecuteCheckResult> {
  const row = await deps.assessments.findCheckSpec(input.assessmentId, input.checkId);
  if (!row) return 'unknown_check';
  if (row.status !== 'PENDING') return 'already_recorded';

  if (await deps.assessments.markRunning(input.assessmentId, deps.now())) {
    await deps.scheduler.requestRender(input.assessmentId);
  }
  const spec = CheckSpec.safeParse(row.spec);
  const outcome: TimedOutcome = spec.success
    ? await deps.runCheck(spec.data)
    : { status: 'ERROR', message: 'the stored check definition is no longer valid', evidence: {}, durationMs: 0 };

  const applied = await deps.assessments.recordCheckOutcome(
    input.assessmentId,
    input.checkId,
    { ...outcome, attempts: input.attempt },
    deps.now(),
  );
  if (applied) await deps.scheduler.requestRender(input.assessmentId);
  return applied ? 'recorded' : 'already_recorded';
}
