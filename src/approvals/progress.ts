import type { Decision, Requirement, SignoffRecord } from './signoff.types.ts';

export interface RequirementProgress extends Requirement {
  approvals: SignoffRecord[];
  satisfied: boolean;
}

export interface Condition {
  role: string;
  userId: string;
  text: string;
}

export type SignoffOutcome =
  | { kind: 'pending'; missing: RequirementProgress[] }
  | { kind: 'rejected'; rejection: SignoffRecord }
  | { kind: 'approved'; decision: Exclude<Decision, 'NO_GO'>; conditions: Condition[] };

export interface SignoffProgress {
  requirements: RequirementProgress[];
  outcome: SignoffOutcome;
}

const isApproval = (signoff: SignoffRecord) => signoff.kind !== 'REJECT';

/**
 * Where the sign-offs stand. Any rejection decides NO-GO; once every role has its count of approvals the
 * decision is GO, or GO WITH CAUTION when the verdict was cautious or any approver set conditions.
 */
export function evaluateSignoffs(requirements: readonly Requirement[], signoffs: readonly SignoffRecord[], verdict: Decision): SignoffProgress {
  const progress = requirements.map((requirement) => {
    const approvals = signoffs.filter((signoff) => signoff.role === requirement.role && isApproval(signoff));
    return { ...requirement, approvals, satisfied: approvals.length >= requirement.count };
  });
  const rejection = signoffs.find((signoff) => signoff.kind === 'REJECT');
  if (rejection) return { requirements: progress, outcome: { kind: 'rejected', rejection } };
  const missing = progress.filter((requirement) => !requirement.satisfied);
  if (missing.length > 0) return { requirements: progress, outcome: { kind: 'pending', missing } };
  const conditions = signoffs
    .filter((signoff) => signoff.kind === 'APPROVE_WITH_CONDITIONS' && signoff.note)
    .map((signoff) => ({ role: signoff.role, userId: signoff.userId, text: signoff.note ?? '' }));
  const decision = verdict === 'GO' && conditions.length === 0 ? 'GO' : 'GO_WITH_CAUTION';
  return { requirements: progress, outcome: { kind: 'approved', decision, conditions } };
}
