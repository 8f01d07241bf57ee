import { CheckSpec } from '../config/readiness-config.schema.ts';
import type { TimedOutcome } from '../checks/check-runner.port.ts';
import type { CheckTarget } from '../checks/check.types.ts';
import type { AssessmentRepository, AssessmentScheduler, CheckOutcomeRecord, StoredCheckSpec } from './assessment.ports.ts';
import { classifyInfrastructureError, infrastructureErrorDetail } from './infrastructure-error.ts';
import { CHECK_ERROR_ATTEMPTS } from './infrastructure-retry.ts';
import type { RecordOutcome } from './outcome-recorder.ts';

export interface CheckBatchDeps {
  assessments: Pick<AssessmentRepository, 'findCheckSpecs' | 'markRunning' | 'countUnfinishedChecks'>;
  /**
   * Records one outcome unless the check already has one, and asks for the message render (see createOutcomeRecorder:
   * outcomes landing together share a write and one render request).
   */
  recordOutcome: RecordOutcome;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  /** Runs the check for its assessment's service and environment, under the check's own timeout. */
  runCheck: (spec: CheckSpec, target: CheckTarget) => Promise<TimedOutcome>;
  /** The process's bound on checks in flight, shared by every batch it runs. */
  slot: <T>(task: () => Promise<T>) => Promise<T>;
  /** Gives the verdict once no check of the assessment waits for a result (the parent job does it otherwise). */
  finish: (assessmentId: string) => Promise<unknown>;
  now: () => Date;
}

export interface CheckBatchResult {
  recorded: string[];
  /** Had a result already (a redelivered batch), or lost the race to record one: not run, or not written, again. */
  alreadyRecorded: string[];
  unknown: string[];
  /** This batch left no check of the assessment without a result and so gave the verdict itself. */
  finished: boolean;
}

/** A check whose runner threw, or whose outcome could not be written: not ours to decide here, see runCheckBatch. */
export class CheckBatchFailure extends Error {
  constructor(
    readonly failures: readonly { checkId: string; error: unknown }[],
    /** The failure to act on: our database or Redis first (retried for the window), else the first crash. */
    readonly decisive: unknown,
  ) {
    super(infrastructureErrorDetail(decisive), { cause: decisive });
    this.name = 'CheckBatchFailure';
  }
}

const INVALID_SPEC: TimedOutcome = { status: 'ERROR', message: 'the stored check definition is no longer valid', evidence: {}, durationMs: 0 };

/**
 * Runs a batch of checks of one assessment side by side (each under its own timeout, through the process's bound
 * on checks in flight) and records each outcome as soon as it lands, so a batch that dies half-way leaves its
 * finished checks recorded; the next delivery reads their rows and runs only the rest. A check that throws does
 * not stop the others: once they have all settled, a failure of our database or Redis is rethrown (the job retries
 * for the window, then the assessment is "could not assess"); a runner that crashed is rethrown until its
 * CHECK_ERROR_ATTEMPTS-th crash (`crashes`, counted per check by the job), which records that check ERROR — a check
 * we could not run says nothing about the service. When no check of the assessment is left without a result, the batch gives the verdict at once.
 */
export async function runCheckBatch(
  deps: CheckBatchDeps,
  input: {
    assessmentId: string;
    checkIds: readonly string[];
    /** The job's attempt, from 1: recorded with each outcome. */
    attempt: number;
    /** How often each check's runner crashed on earlier attempts (outage failures not counted); none when absent. */
    crashes?: Readonly<Record<string, number>> | undefined;
  },
): Promise<CheckBatchResult> {
  const { assessmentId } = input;
  const start = async () => {
    if (await deps.assessments.markRunning(assessmentId, deps.now())) await deps.scheduler.requestRender(assessmentId);
  };
  // One read for the whole batch, side by side with the guarded QUEUED → RUNNING (a no-op for every batch but one).
  const [stored] = await Promise.all([deps.assessments.findCheckSpecs(assessmentId, input.checkIds), start()]);

  const result: CheckBatchResult = { recorded: [], alreadyRecorded: [], unknown: [], finished: false };
  const failures: { checkId: string; error: unknown }[] = [];
  const record = async (checkId: string, outcome: Omit<CheckOutcomeRecord, 'attempts'>) => {
    const applied = await deps.recordOutcome(assessmentId, checkId, { ...outcome, attempts: input.attempt }, deps.now());
    (applied ? result.recorded : result.alreadyRecorded).push(checkId);
  };
  const runOne = async (checkId: string, check: StoredCheckSpec) => {
    const spec = CheckSpec.safeParse(check.spec);
    const target = { service: check.service, environment: check.environment, assessmentId };
    const outcome = spec.success ? await deps.slot(() => deps.runCheck(spec.data, target)) : INVALID_SPEC;
    await record(checkId, outcome);
  };

  await Promise.all(
    [...new Set(input.checkIds)].map(async (checkId) => {
      const check = stored.get(checkId);
      if (!check) return void result.unknown.push(checkId);
      if (check.status !== 'PENDING') return void result.alreadyRecorded.push(checkId);
      await runOne(checkId, check).catch((error: unknown) => void failures.push({ checkId, error }));
    }),
  );

  if (failures.length > 0) {
    const ours = failures.some((failure) => classifyInfrastructureError(failure.error) !== 'internal');
    // Each check's own crashes count, kept by the job: the batch's attempt number also counts other checks' outage
    // retries, which would spend this check's budget (its first crash after a blip would be recorded ERROR).
    const exhausted = ours ? [] : failures.filter(({ checkId }) => (input.crashes?.[checkId] ?? 0) + 1 >= CHECK_ERROR_ATTEMPTS);
    // The runner kept crashing on these checks: each is ERROR, with what it threw.
    for (const { checkId, error } of exhausted) {
      await record(checkId, {
        status: 'ERROR',
        message: `the check could not be run: ${infrastructureErrorDetail(error)}`,
        evidence: {},
        durationMs: null,
      });
    }
    const left = failures.filter((failure) => !exhausted.includes(failure));
    if (left.length > 0) {
      const decisive = left.find((failure) => classifyInfrastructureError(failure.error) !== 'internal') ?? left[0];
      throw new CheckBatchFailure(left, decisive?.error);
    }
  }

  // Nothing of this assessment was found (it was deleted, or the job names no check of it): nothing to finish.
  if (stored.size > 0 && (await deps.assessments.countUnfinishedChecks(assessmentId)) === 0) {
    await deps.finish(assessmentId);
    result.finished = true;
  }
  return result;
}
