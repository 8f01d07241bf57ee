import { checkSignoff } from '../../approvals/authorize.ts';
import type { SignRecord, SignResult } from '../../approvals/signoff.ports.ts';
import type { SignoffRecord, SignoffRequestView } from '../../approvals/signoff.types.ts';
import type { Db } from '../prisma.ts';
import { decideIfDone } from './decide-request.ts';
import { auditSignoffEvent } from './signoff-audit.ts';
import { findRequest, isUniqueViolation, LOCKING_TX, lockRequest, reloadRequest, type Tx } from './signoff-rows.ts';

async function insertSignoff(tx: Tx, request: SignoffRequestView, input: SignRecord): Promise<SignoffRecord> {
  const requirement = request.requirements.find((candidate) => candidate.role === input.role);
  await tx.signoff.create({
    data: {
      requestId: request.id,
      role: input.role,
      userId: input.userId,
      kind: input.kind,
      note: input.note,
      signedAt: input.at,
      snapshotHash: requirement?.snapshotHash ?? '',
    },
  });
  await auditSignoffEvent(tx, request, {
    actor: input.userId,
    action: input.kind === 'REJECT' ? 'signoff.rejected' : 'signoff.approved',
    before: { role: input.role, signoff: null },
    after: { role: input.role, signoff: input.kind },
    reason: input.note,
    data: { role: input.role, kind: input.kind },
    dedupeKey: `signoff_${request.id}_${input.role}_${input.userId}`,
  });
  return { role: input.role, userId: input.userId, kind: input.kind, note: input.note, signedAt: input.at, carriedFromId: null };
}

async function signLocked(tx: Tx, input: SignRecord): Promise<SignResult> {
  const request = await lockRequest(tx, input.requestId);
  if (!request) return { applied: false, refusal: { reason: 'not_found' } };
  const refusal = checkSignoff(request, { ...input, isMember: true, now: input.at });
  if (refusal) return { applied: false, refusal };
  const signoff = await insertSignoff(tx, request, input);
  const outcome = await decideIfDone(tx, request, [...request.signoffs, signoff], input.at);
  return { applied: true, request: await reloadRequest(tx, request.id), outcome };
}

/**
 * Records one person's sign-off. The request row is locked, so simultaneous clicks are checked one after the
 * other against what the others recorded; the unique (request, role, user) index is the last line of defence.
 */
export async function signRequest(db: Db, input: SignRecord): Promise<SignResult> {
  try {
    return await db.$transaction((tx) => signLocked(tx, input), LOCKING_TX);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const request = await findRequest(db, { id: input.requestId });
    return {
      applied: false,
      refusal: {
        reason: 'already_signed',
        role: input.role,
        kind: request?.signoffs.find((s) => s.userId === input.userId && s.role === input.role)?.kind ?? input.kind,
      },
    };
  }
}
