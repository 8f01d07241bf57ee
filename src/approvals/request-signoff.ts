import type { AssessmentView } from '../assessments/assessment.types.ts';
import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import type { SignoffRepository } from './signoff.ports.ts';
import { carriedSignoffs } from './carry-over.ts';
import { separationOfDutiesFor, signoffPolicyFor } from './policy-lookup.ts';
import type { SignoffOutcome } from './progress.ts';
import type { Decision, SignoffRecord, SignoffRequestView } from './signoff.types.ts';
import { requirementsFor } from './snapshot.ts';

export interface SignoffEffects {
  /** Posts the sign-off message in the assessment's thread (once) and keeps it and the assessment message current. */
  publish(request: SignoffRequestView): Promise<void>;
  /** Announces a decision in the thread. */
  announce(request: SignoffRequestView, outcome: SignoffOutcome): Promise<void>;
  /** Expires the request when its time is up (a delayed job). */
  scheduleExpiry(request: SignoffRequestView): Promise<void>;
  /**
   * Posts the notices the request is still owed: a click replayed after its process died finds the request decided
   * already, and must still see the announcement out.
   */
  deliverOwedNotices?(request: SignoffRequestView): Promise<void>;
}

export interface RequestSignoffDeps {
  config: ReadinessConfig;
  assessments: { find(id: string): Promise<AssessmentView | undefined> };
  signoffs: Pick<SignoffRepository, 'create' | 'latestStale' | 'markStale'>;
  effects: SignoffEffects;
  now: () => Date;
}

export type RequestSignoffResult =
  | { ok: true; request: SignoffRequestView; created: boolean }
  | { ok: false; reason: 'not_found' | 'not_completed' | 'no_policy' | 'no_message' }
  | { ok: false; reason: 'not_eligible'; verdict: Decision; eligible: Decision[] };

/**
 * Opens the sign-off request of a completed assessment: the policy's roles, each bound to the results it
 * covers, with unchanged approvals carried over from the request this assessment made stale. Idempotent.
 */
export async function requestSignoff(deps: RequestSignoffDeps, input: { assessmentId: string; requestedBy: string }): Promise<RequestSignoffResult> {
  const assessment = await deps.assessments.find(input.assessmentId);
  if (!assessment) return { ok: false, reason: 'not_found' };
  if (assessment.status !== 'COMPLETED' || assessment.verdict === null) return { ok: false, reason: 'not_completed' };
  const policy = signoffPolicyFor(deps.config, assessment.service, assessment.environment);
  if (!policy) return { ok: false, reason: 'no_policy' };
  if (!policy.eligibleVerdicts.includes(assessment.verdict)) {
    return { ok: false, reason: 'not_eligible', verdict: assessment.verdict, eligible: policy.eligibleVerdicts };
  }
  if (assessment.messageTs === null) return { ok: false, reason: 'no_message' };

  const requirements = requirementsFor(policy.required, assessment.checks);
  const at = deps.now();
  // The request this assessment replaces goes STALE first (afterAssessmentCompleted does the same; whichever runs
  // first does it), so what carries over does not depend on whether that job ran before this click.
  if (policy.dismissStaleOnNewAssessment) {
    const stale = await deps.signoffs.markStale({
      service: assessment.service,
      environment: assessment.environment,
      newerAssessmentId: assessment.id,
      at,
    });
    for (const request of stale) await deps.effects.publish(request);
  }
  const previous = await deps.signoffs.latestStale(assessment.service, assessment.environment);
  const created = await deps.signoffs.create({
    assessmentId: assessment.id,
    service: assessment.service,
    environment: assessment.environment,
    requestedBy: input.requestedBy,
    channelId: assessment.channelId,
    threadTs: assessment.messageTs,
    requirements,
    verdict: assessment.verdict,
    expiresAt: new Date(at.getTime() + policy.expiresAfter),
    carried: separatedDuties(
      carriedSignoffs(previous, requirements),
      separationOfDutiesFor(deps.config, assessment.service, assessment.environment) ? assessment.requestedBy : undefined,
    ),
    at,
  });
  if (created.created) {
    await deps.effects.publish(created.request);
    if (created.outcome && created.outcome.kind !== 'pending') await deps.effects.announce(created.request, created.outcome);
    else await deps.effects.scheduleExpiry(created.request);
  }
  return { ok: true, request: created.request, created: created.created };
}

/**
 * With separation of duties, an approval carried over from an older request must obey the rules as if given now:
 * none by this assessment's requester, and one role per person (the first carried).
 */
export function separatedDuties(carried: SignoffRecord[], assessmentRequestedBy: string | undefined): SignoffRecord[] {
  if (assessmentRequestedBy === undefined) return carried;
  const seen = new Set<string>();
  return carried.filter((signoff) => {
    if (signoff.kind === 'REJECT') return true;
    if (signoff.userId === assessmentRequestedBy || seen.has(signoff.userId)) return false;
    seen.add(signoff.userId);
    return true;
  });
}
