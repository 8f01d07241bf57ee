import { CheckSpec } from '../config/readiness-config.schema.ts';
import type { TimedOutcome } from '../checks/check-runner.port.ts';
import type { CheckTarget } from '../checks/check.types.ts';
import type { AssessmentScheduler } from './assessment.ports.ts';
import type { LoadCheck } from './check-loader.ts';
import type { RecordOutcome } from './outcome-recorder.ts';

export interface ExecuteCheckDeps {
  /** Finds the check and starts its assessment (see createCheckLoader). */
  loadCheck: LoadCheck;
  /** Records the outcome unless the check already has one (see createOutcomeRecorder). */
  recordOutcome: RecordOutcome;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  /** Runs the check for its assessment's service and environment (a webhook check sends them). */
  runCheck: (spec: CheckSpec, target: CheckTarget) => Promise<TimedOutcome>;
  now: () => Date;
}

export type ExecuteCheckResult = 'recorded' | 'already_recorded' | 'unknown_check';

/**
 * Runs one check of an assessment and records its outcome once, however often the job is delivered: a check
 * that already has a result is not run again, and the guarded write refuses a second outcome from a delivery
 * that raced this one.
 */
export async function executeCheck(
  deps: ExecuteCheckDeps,
  input: { assessmentId: string; checkId: string; attempt: number },
): Promise<ExecuteCheckResult> {
  const check = await deps.loadCheck(input.assessmentId, input.checkId);
  if (!check) return 'unknown_check';
  if (check.status !== 'PENDING') return 'already_recorded';

  const spec = CheckSpec.safeParse(check.spec);
  const outcome: TimedOutcome = spec.success
    ? await deps.runCheck(spec.data, { service: check.service, environment: check.environment, assessmentId: input.assessmentId })
    : { status: 'ERROR', message: 'the stored check definition is no longer valid', evidence: {}, durationMs: 0 };

  const applied = await deps.recordOutcome(input.assessmentId, input.checkId, { ...outcome, attempts: input.attempt }, deps.now());
  if (applied) await deps.scheduler.requestRender(input.assessmentId);
  return applied ? 'recorded' : 'already_recorded';
}
