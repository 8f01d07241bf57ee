import type { SignoffRequestView } from '../approvals/signoff.types.ts';

export interface OwnApproval {
  reason: 'approved_own_release';
  role: string;
}

/**
 * With separation of duties, whoever approved the release (on its sign-off request, carried over or not) may
 * neither plan nor start its deployment: the approver and the deployer are two people.
 */
export function ownApproval(request: SignoffRequestView | undefined, userId: string, separationOfDuties: boolean): OwnApproval | undefined {
  if (!separationOfDuties || !request) return undefined;
  const approval = request.signoffs.find((signoff) => signoff.userId === userId && signoff.kind !== 'REJECT');
  return approval ? { reason: 'approved_own_release', role: approval.role } : undefined;
}
