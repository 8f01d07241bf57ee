import type { SignoffKind, SignoffRequestView } from './signoff.types.ts';

export type SignRefusal =
  | { reason: 'not_open'; status: SignoffRequestView['status']; override: boolean }
  | { reason: 'expired' }
  | { reason: 'role_not_required'; role: string }
  | { reason: 'not_member'; role: string }
  | { reason: 'self_approval' }
  | { reason: 'assessment_requester'; requestedBy: string }
  | { reason: 'one_role_per_person'; role: string }
  | { reason: 'already_signed'; role: string; kind: SignoffKind }
  | { reason: 'role_complete'; role: string; by: string[] }
  | { reason: 'note_required' };

export interface SignAttempt {
  role: string;
  userId: string;
  kind: SignoffKind;
  note: string | null;
  /** Resolved by the caller through the role directory. */
  isMember: boolean;
  allowSelfApproval: boolean;
  /**
   * Separation of duties (see SignoffPolicy.separationOfDuties): who asked for the assessment may not approve it,
   * and one person approves for one role only. Absent: off.
   */
  separation?: { assessmentRequestedBy: string } | undefined;
  now: Date;
}

/**
 * Whether this person may give this sign-off on this request now, and if not, why. Checked when the button is
 * clicked (so the user hears at once) and again inside the transaction that records it (so a race cannot pass).
 */
export function checkSignoff(request: SignoffRequestView, attempt: SignAttempt): SignRefusal | undefined {
  if (request.status !== 'PENDING') return { reason: 'not_open', status: request.status, override: request.override };
  if (request.expiresAt.getTime() <= attempt.now.getTime()) return { reason: 'expired' };
  const requirement = request.requirements.find((candidate) => candidate.role === attempt.role);
  if (!requirement) return { reason: 'role_not_required', role: attempt.role };
  if (!attempt.isMember) return { reason: 'not_member', role: attempt.role };
  if (!attempt.allowSelfApproval && attempt.userId === request.requestedBy && attempt.kind !== 'REJECT') return { reason: 'self_approval' };
  if (attempt.separation && attempt.kind !== 'REJECT') {
    if (attempt.userId === attempt.separation.assessmentRequestedBy)
      return { reason: 'assessment_requester', requestedBy: attempt.separation.assessmentRequestedBy };
    const otherRole = request.signoffs.find(
      (signoff) => signoff.userId === attempt.userId && signoff.role !== attempt.role && signoff.kind !== 'REJECT',
    );
    if (otherRole) return { reason: 'one_role_per_person', role: otherRole.role };
  }
  const own = request.signoffs.find((signoff) => signoff.role === attempt.role && signoff.userId === attempt.userId);
  if (own) return { reason: 'already_signed', role: attempt.role, kind: own.kind };
  const approvals = request.signoffs.filter((signoff) => signoff.role === attempt.role && signoff.kind !== 'REJECT');
  if (attempt.kind !== 'REJECT' && approvals.length >= requirement.count) {
    return { reason: 'role_complete', role: attempt.role, by: approvals.map((signoff) => signoff.userId) };
  }
  if (attempt.kind !== 'APPROVE' && !attempt.note?.trim()) return { reason: 'note_required' };
  return undefined;
}
