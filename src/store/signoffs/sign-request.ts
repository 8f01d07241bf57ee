import { checkSignoff } from '../../approvals/authorize.ts';
import type { SignRecord, SignResult } from '../../approvals/signoff.ports.ts';
import type { SignoffRecord, SignoffRequestView } from '../../approvals/signoff.types.ts';
import type { KeyedSerializer } from '../../shared/keyed-serializer.ts';
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
 * A click that cannot change anything — the person already signed for the role, the role is complete, the request
 * is decided — is answered from a plain read: no transaction, no row lock, no connection held while others work.
 * Only what the read says may be recorded goes on to the locked transaction, which checks again.
 */
async function refusedByPlainRead(db: Db, input: SignRecord): Promise<SignResult | undefined> {
  const request = await findRequest(db, { id: input.requestId });
  if (!request) return { applied: false, refusal: { reason: 'not_found' } };
  const refusal = checkSignoff(request, { ...input, isMember: true, now: input.at });
  return refusal ? { applied: false, refusal } : undefined;
}

async function signOnce(db: Db, input: SignRecord): Promise<SignResult> {
  const refused = await refusedByPlainRead(db, input);
  if (refused) return refused;
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

/**
 * Records one person's sign-off. The request row is locked, so simultaneous clicks are checked one after the
 * other against what the others recorded; the unique (request, role, user) index is the last line of defence.
 *
 * Clicks on one request are queued per process (`perRequest`) before they reach the database. Without that, every
 * click of a storm on one request opened a transaction and waited on the row lock holding a pooled connection:
 * a few dozen clicks took the whole pool, and the inbox INSERT that must precede every ack timed out, refusing
 * clicks on other requests too. Now a request costs at most one connection per process, a duplicate queued behind
 * the click it repeats is answered by the plain read, and across replicas at most one transaction per replica
 * waits on the lock.
 */
export function signRequest(db: Db, input: SignRecord, perRequest: KeyedSerializer): Promise<SignResult> {
  return perRequest.run(input.requestId, () => signOnce(db, input));
}
