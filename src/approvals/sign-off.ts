import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import type { RoleDirectory } from '../roles/role-directory.ts';
import type { SignoffRepository } from './signoff.ports.ts';
import { checkSignoff, type SignAttempt, type SignRefusal } from './authorize.ts';
import { separationOfDutiesFor, signoffPolicyFor } from './policy-lookup.ts';
import type { SignoffOutcome } from './progress.ts';
import type { SignoffEffects } from './request-signoff.ts';
import type { SignoffKind, SignoffRequestView } from './signoff.types.ts';

export interface SignDeps {
  config: ReadinessConfig;
  roles: Pick<RoleDirectory, 'isMember'>;
  signoffs: Pick<SignoffRepository, 'findById' | 'sign'>;
  /** Who asked for the assessment: with separation of duties they may not approve it. */
  assessments: { find(id: string): Promise<{ requestedBy: string } | undefined> };
  effects: Pick<SignoffEffects, 'publish' | 'announce' | 'deliverOwedNotices'>;
  now: () => Date;
}

export interface SignInput {
  requestId: string;
  role: string;
  userId: string;
  kind: SignoffKind;
  note: string | null;
}

export type SignOffResult =
  | { ok: true; request: SignoffRequestView; outcome: SignoffOutcome }
  | { ok: false; refusal: SignRefusal | { reason: 'not_found' }; request: SignoffRequestView | undefined };

/** Whether the person may sign now; answered before a modal opens, so nobody writes a reason in vain. */
export async function precheckSignoff(deps: Omit<SignDeps, 'effects'>, input: SignInput): Promise<SignOffResult | undefined> {
  const checked = await checkAgainstRequest(deps, input);
  return checked.ok ? undefined : checked;
}

/** Loads the request and checks the attempt against it, with membership resolved through the role directory. */
async function checkAgainstRequest(
  deps: Omit<SignDeps, 'effects'>,
  input: SignInput,
): Promise<
  { ok: true; request: SignoffRequestView; allowSelfApproval: boolean; separation: SignAttempt['separation'] } | Extract<SignOffResult, { ok: false }>
> {
  const request = await deps.signoffs.findById(input.requestId);
  if (!request) return { ok: false, refusal: { reason: 'not_found' }, request };
  const allowSelfApproval = signoffPolicyFor(deps.config, request.service, request.environment)?.allowSelfApproval ?? false;
  // The assessment's requester never changes, so reading it outside the recording transaction is safe.
  const assessment = separationOfDutiesFor(deps.config, request.service, request.environment)
    ? await deps.assessments.find(request.assessmentId)
    : undefined;
  const separation = assessment ? { assessmentRequestedBy: assessment.requestedBy } : undefined;
  const membership = await deps.roles.isMember(input.role, input.userId);
  const refusal = checkSignoff(request, {
    ...input,
    // The note is asked for in the modal that follows; only what is known now is checked.
    note: input.kind === 'APPROVE' ? null : (input.note ?? 'pending'),
    isMember: membership.member,
    allowSelfApproval,
    separation,
    now: deps.now(),
  });
  return refusal ? { ok: false, refusal, request } : { ok: true, request, allowSelfApproval, separation };
}

/** Records a sign-off if the person may give it; decides the request when it was the last one needed. */
export async function signOff(deps: SignDeps, input: SignInput): Promise<SignOffResult> {
  const checked = await checkAgainstRequest(deps, input);
  if (!checked.ok) {
    if (checked.request !== undefined && checked.request.status !== 'PENDING') await deps.effects.deliverOwedNotices?.(checked.request);
    return checked;
  }
  const signed = await deps.signoffs.sign({ ...input, allowSelfApproval: checked.allowSelfApproval, separation: checked.separation, at: deps.now() });
  if (!signed.applied) return { ok: false, refusal: signed.refusal, request: checked.request };
  await deps.effects.publish(signed.request);
  if (signed.outcome.kind !== 'pending') await deps.effects.announce(signed.request, signed.outcome);
  return { ok: true, request: signed.request, outcome: signed.outcome };
}
