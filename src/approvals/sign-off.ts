import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import type { RoleDirectory } from '../roles/role-directory.ts';
import type { SignoffRepository } from '../store/signoffs.repository.ts';
import { checkSignoff, type SignRefusal } from './authorize.ts';
import { signoffPolicyFor } from './policy-lookup.ts';
import type { SignoffOutcome } from './progress.ts';
import type { SignoffEffects } from './request-signoff.ts';
import type { SignoffKind, SignoffRequestView } from './signoff.types.ts';

export interface SignDeps {
  config: ReadinessConfig;
  roles: Pick<RoleDirectory, 'isMember'>;
  signoffs: Pick<SignoffRepository, 'findById' | 'sign'>;
  effects: Pick<SignoffEffects, 'publish' | 'announce'>;
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
  const request = await deps.signoffs.findById(input.requestId);
  if (!request) return { ok: false, refusal: { reason: 'not_found' }, request };
  const policy = signoffPolicyFor(deps.config, request.service, request.environment);
  const membership = await deps.roles.isMember(input.role, input.userId);
  const refusal = checkSignoff(request, {
    ...input,
    // The note is asked for in the modal that follows; only what is known now is checked.
    note: input.kind === 'APPROVE' ? null : 'pending',
    isMember: membership.member,
    allowSelfApproval: policy?.allowSelfApproval ?? false,
    now: deps.now(),
  });
  return refusal ? { ok: false, refusal, request } : undefined;
}

/** Records a sign-off if the person may give it; decides the request when it was the last one needed. */
export async function signOff(deps: SignDeps, input: SignInput): Promise<SignOffResult> {
  const refused = await precheckSignoff(deps, input);
  if (refused) return refused;
  const request = await deps.signoffs.findById(input.requestId);
  const policy = request ? signoffPolicyFor(deps.config, request.service, request.environment) : undefined;
  const signed = await deps.signoffs.sign({ ...input, allowSelfApproval: policy?.allowSelfApproval ?? false, at: deps.now() });
  if (!signed.applied) return { ok: false, refusal: signed.refusal, request };
  await deps.effects.publish(signed.request);
  if (signed.outcome.kind !== 'pending') await deps.effects.announce(signed.request, signed.outcome);
  return { ok: true, request: signed.request, outcome: signed.outcome };
}
