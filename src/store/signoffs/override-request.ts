import type { OverrideRecord, OverrideRecordResult } from '../../approvals/signoff.ports.ts';
import type { SignoffRequestView } from '../../approvals/signoff.types.ts';
import type { Db } from '../prisma.ts';
import { requestColumns } from './create-request.ts';
import { oweNotice } from './notices.ts';
import { auditSignoffEvent } from './signoff-audit.ts';
import { lockRequest, reloadRequest, type Tx } from './signoff-rows.ts';

/**
 * The assessment's request row, locked; created first when the assessment never asked for sign-off (an override
 * still leaves its request row behind). `neverRequested`: that row was born here, PENDING.
 */
async function lockOrInsert(tx: Tx, input: OverrideRecord): Promise<{ request: SignoffRequestView; neverRequested: boolean }> {
  const inserted = await tx.signoffRequest.createMany({ data: [requestColumns(input, input.at)], skipDuplicates: true });
  const existing = await tx.signoffRequest.findUniqueOrThrow({ where: { assessmentId: input.assessmentId } });
  const request = await lockRequest(tx, existing.id);
  if (!request) throw new Error('the sign-off request vanished inside its transaction');
  return { request, neverRequested: inserted.count === 1 };
}

async function recordOverride(tx: Tx, request: SignoffRequestView, input: OverrideRecord, neverRequested: boolean): Promise<void> {
  await tx.signoffRequest.update({
    where: { id: request.id },
    data: {
      status: 'OVERRIDDEN',
      decision: 'GO',
      override: true,
      overriddenBy: input.requestedBy,
      decisionReason: input.justification,
      decidedAt: input.at,
    },
  });
  // A row born PENDING here must not make the audit say the override found a pending sign-off.
  const previousStatus = neverRequested ? null : request.status;
  const previousDecision = neverRequested ? null : request.decision;
  await auditSignoffEvent(tx, request, {
    actor: input.requestedBy,
    action: 'signoff.overridden',
    before: { status: previousStatus, verdict: request.verdict, decision: previousDecision },
    after: { status: 'OVERRIDDEN', verdict: request.verdict, decision: 'GO' },
    reason: input.justification,
    data: { signoffRequested: !neverRequested, previousStatus, previousDecision },
  });
}

/** An override role's GO over a NO-GO or an unfinished sign-off: recorded loudly, once. */
export async function overrideRequest(db: Db, input: OverrideRecord): Promise<OverrideRecordResult> {
  return db.$transaction(async (tx) => {
    const { request, neverRequested } = await lockOrInsert(tx, input);
    if (request.status === 'STALE') return { applied: false, request, reason: 'stale' };
    if (request.override) return { applied: false, request, reason: 'already_overridden' };
    await recordOverride(tx, request, input, neverRequested);
    await oweNotice(tx, request.id, 'overridden');
    return { applied: true, request: await reloadRequest(tx, request.id) };
  });
}
