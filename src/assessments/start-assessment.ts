import { lookupTarget } from '../config/catalog.ts';
import { errorHeadline } from '../shared/text.ts';
import { isManual } from '../checks/specs/manual.ts';
import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import type { AssessmentRepository, AssessmentScheduler } from './assessment.ports.ts';
import type { AssessmentView, NewAssessment } from './assessment.types.ts';

export type Unavailable = 'database' | 'queue';

export type StartResult =
  | { ok: true; assessment: AssessmentView; created: boolean }
  | { ok: false; reason: 'unknown_target'; detail: string }
  | { ok: false; reason: 'unavailable'; dependency: Unavailable; detail: string };

export interface StartDeps {
  config: ReadinessConfig;
  assessments: Pick<AssessmentRepository, 'create' | 'fail' | 'findValidAttestations'>;
  scheduler: Pick<AssessmentScheduler, 'enqueueAssessment'>;
  now: () => Date;
}

/**
 * Records the request and hands the checks to the workers. A repeated request (same requestKey: the bot and its
 * intake job both call this) finds the first one; enqueueing again is harmless because the flow's job ids are
 * deterministic, and it re-queues a flow the first call died before queueing.
 */
export async function startAssessment(deps: StartDeps, request: NewAssessment): Promise<StartResult> {
  const target = lookupTarget(deps.config, request.service, request.environment);
  if (!target.ok) return { ok: false, reason: 'unknown_target', detail: target.reason };

  let recorded: Awaited<ReturnType<StartDeps['assessments']['create']>>;
  const manualIds = target.checks.filter(isManual).map((check) => check.id);
  try {
    const attestations = await deps.assessments.findValidAttestations(request.service, request.environment, manualIds, deps.now());
    recorded = await deps.assessments.create(request, {
      checks: target.checks,
      skipped: target.skipped,
      attestations,
      thresholds: target.thresholds,
    });
  } catch (error) {
    return { ok: false, reason: 'unavailable', dependency: 'database', detail: errorHeadline(error) };
  }
  const { assessment } = recorded;
  if (assessment.status !== 'QUEUED') return { ok: true, ...recorded };

  try {
    // Manual checks wait for a person, not a worker; the assessment completes without them and is re-scored on attestation.
    const automated = target.checks.filter((check) => !isManual(check)).map((check) => check.id);
    await deps.scheduler.enqueueAssessment(assessment.id, automated);
  } catch (error) {
    const detail = errorHeadline(error);
    // Only the call that recorded it ends it: a repeat (the intake job) finding it QUEUED leaves it to that call.
    if (recorded.created) await deps.assessments.fail(assessment.id, `the job queue was unavailable: ${detail}`, deps.now()).catch(() => false);
    return { ok: false, reason: 'unavailable', dependency: 'queue', detail };
  }
  return { ok: true, ...recorded };
}
