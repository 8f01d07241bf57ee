import type { AssessmentView } from '../assessments/assessment.types.ts';
import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import type { RoleDirectory } from '../roles/role-directory.ts';
import type { SignoffRepository } from './signoff.ports.ts';
import { signoffPolicyFor } from './policy-lookup.ts';
import type { SignoffEffects } from './request-signoff.ts';
import type { SignoffRequestView } from './signoff.types.ts';
import { requirementsFor } from './snapshot.ts';

export interface OverrideDeps {
  config: ReadinessConfig;
  assessments: { find(id: string): Promise<AssessmentView | undefined> };
  signoffs: Pick<SignoffRepository, 'override' | 'findByAssessment'>;
  roles: Pick<RoleDirectory, 'isMember'>;
  effects: Pick<SignoffEffects, 'publish' | 'deliverOwedNotices'> & { announceOverride(request: SignoffRequestView): Promise<void> };
  now: () => Date;
}

export type OverrideResult =
  | { ok: true; request: SignoffRequestView }
  | { ok: false; reason: 'not_found' | 'not_completed' | 'no_message' | 'stale' | 'already_overridden' | 'already_go' }
  | { ok: false; reason: 'no_override_role'; service: string; environment: string }
  | { ok: false; reason: 'not_member'; role: string };

/**
 * `/readiness override`: a member of the environment's override role makes the decision GO despite the
 * verdict or the sign-offs. Recorded with the justification and flagged as an override wherever it shows.
 */
export async function overrideDecision(
  deps: OverrideDeps,
  input: { assessmentId: string; userId: string; justification: string },
): Promise<OverrideResult> {
  const assessment = await deps.assessments.find(input.assessmentId);
  if (!assessment) return { ok: false, reason: 'not_found' };
  if (assessment.status !== 'COMPLETED' || assessment.verdict === null) return { ok: false, reason: 'not_completed' };
  const policy = signoffPolicyFor(deps.config, assessment.service, assessment.environment);
  if (!policy?.overrideRole) return { ok: false, reason: 'no_override_role', service: assessment.service, environment: assessment.environment };
  const membership = await deps.roles.isMember(policy.overrideRole, input.userId);
  if (!membership.member) return { ok: false, reason: 'not_member', role: policy.overrideRole };
  if (assessment.messageTs === null) return { ok: false, reason: 'no_message' };
  const existing = await deps.signoffs.findByAssessment(assessment.id);
  if (existing?.status === 'APPROVED' && existing.decision === 'GO') return { ok: false, reason: 'already_go' };

  const result = await deps.signoffs.override({
    assessmentId: assessment.id,
    service: assessment.service,
    environment: assessment.environment,
    requestedBy: input.userId,
    channelId: assessment.channelId,
    threadTs: assessment.messageTs,
    requirements: requirementsFor(policy.required, assessment.checks),
    verdict: assessment.verdict,
    justification: input.justification,
    at: deps.now(),
  });
  if (!result.applied) {
    // A replayed override (its process died after the commit) still sees its announcement out.
    if (result.reason === 'already_overridden' && result.request) await deps.effects.deliverOwedNotices?.(result.request);
    return { ok: false, reason: result.reason };
  }
  await deps.effects.publish(result.request);
  await deps.effects.announceOverride(result.request);
  return { ok: true, request: result.request };
}
