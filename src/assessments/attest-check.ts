import type { RoleDirectory } from '../roles/role-directory.ts';
import type { AssessmentRepository, AssessmentScheduler } from './assessment.ports.ts';

export interface AttestDeps {
  assessments: Pick<AssessmentRepository, 'find' | 'attest'>;
  roles: Pick<RoleDirectory, 'isMember'>;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  now: () => Date;
}

export type AttestRefusal =
  | { reason: 'not_found' }
  | { reason: 'not_manual'; checkName: string }
  | { reason: 'assessment_failed' }
  | { reason: 'already_attested'; checkName: string; attestedBy: string | undefined; attestedAt: string | undefined }
  | { reason: 'not_member'; checkName: string; role: string };

export type AttestResult = { ok: true; checkName: string; verdictChange?: { from: string | null; to: string } } | ({ ok: false } & AttestRefusal);

const attester = (evidence: Record<string, unknown> | null) => ({
  attestedBy: typeof evidence?.attestedBy === 'string' ? evidence.attestedBy : undefined,
  attestedAt: typeof evidence?.attestedAt === 'string' ? evidence.attestedAt : undefined,
});

/**
 * A person attests a manual check from its button. Only members of the check's role may; the first click
 * counts and later ones (double clicks, a second member, Slack's retries) are told who was first.
 */
export async function attestCheck(deps: AttestDeps, input: { assessmentId: string; checkId: string; userId: string }): Promise<AttestResult> {
  const view = await deps.assessments.find(input.assessmentId);
  const check = view?.checks.find((candidate) => candidate.checkId === input.checkId);
  if (!view || !check) return { ok: false, reason: 'not_found' };
  if (!check.manual) return { ok: false, reason: 'not_manual', checkName: check.name };
  if (view.status === 'FAILED' || view.status === 'UNASSESSABLE') return { ok: false, reason: 'assessment_failed' };
  if (check.status !== 'PENDING') return { ok: false, reason: 'already_attested', checkName: check.name, ...attester(check.evidence) };

  const membership = await deps.roles.isMember(check.manual.role, input.userId);
  if (!membership.member) {
    return { ok: false, reason: 'not_member', checkName: check.name, role: check.manual.role };
  }
  const at = deps.now();
  const outcome = await deps.assessments.attest({
    assessmentId: input.assessmentId,
    checkId: input.checkId,
    role: check.manual.role,
    attestedBy: input.userId,
    at,
    expiresAt: new Date(at.getTime() + check.manual.validForMs),
  });
  if (!outcome.applied) {
    const latest = (await deps.assessments.find(input.assessmentId))?.checks.find((candidate) => candidate.checkId === input.checkId);
    return { ok: false, reason: 'already_attested', checkName: check.name, ...attester(latest?.evidence ?? null) };
  }
  await deps.scheduler.requestRender(input.assessmentId);
  return { ok: true, checkName: check.name, ...(outcome.rescored ? { verdictChange: outcome.rescored } : {}) };
}
