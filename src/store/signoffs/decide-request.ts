import { evaluateSignoffs, type SignoffOutcome } from '../../approvals/progress.ts';
import type { SignoffRecord, SignoffRequestView } from '../../approvals/signoff.types.ts';
import { auditSignoffEvent } from './signoff-audit.ts';
import { oweNotice } from './notices.ts';
import type { Tx } from './signoff-rows.ts';

/** The decision an outcome leads to, as the request row stores it. */
function decisionFields(outcome: SignoffOutcome, at: Date) {
  if (outcome.kind === 'rejected') {
    return { status: 'REJECTED' as const, decision: 'NO_GO', decisionReason: outcome.rejection.note, decidedAt: at };
  }
  if (outcome.kind === 'approved') {
    const conditions = outcome.conditions.map((condition) => `${condition.role}: ${condition.text}`).join('; ');
    return { status: 'APPROVED' as const, decision: outcome.decision, decisionReason: conditions || null, decidedAt: at };
  }
  return undefined;
}

/** Records the decision (and its audit event) when the outcome is one; returns it. */
export async function decideIfDone(tx: Tx, request: SignoffRequestView, signoffs: readonly SignoffRecord[], at: Date): Promise<SignoffOutcome> {
  const { outcome } = evaluateSignoffs(request.requirements, signoffs, request.verdict);
  const fields = decisionFields(outcome, at);
  if (!fields) return outcome;
  await tx.signoffRequest.update({ where: { id: request.id }, data: fields });
  await oweNotice(tx, request.id, 'decided');
  await auditSignoffEvent(tx, request, {
    actor: 'system',
    action: 'signoff.decided',
    before: { status: request.status, decision: request.decision },
    after: { status: fields.status, decision: fields.decision },
    reason: fields.decisionReason,
    data: { decision: fields.decision },
  });
  return outcome;
}
