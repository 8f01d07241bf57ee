import type { Prisma } from '../../generated/prisma/client.ts';
import type { CreatedSignoffRequest, NewSignoffRequest, OverrideRecord } from '../../approvals/signoff.ports.ts';
import type { SignoffRecord, SignoffRequestView } from '../../approvals/signoff.types.ts';
import type { Db } from '../prisma.ts';
import { decideIfDone } from './decide-request.ts';
import { auditSignoffEvent } from './signoff-audit.ts';
import { findRequest, isUniqueViolation, reloadRequest, toRecord, toView, withSignoffs, type Tx } from './signoff-rows.ts';

/** The request row's own columns (an override's row expires at once: it is never waited on). */
export function requestColumns(input: NewSignoffRequest | OverrideRecord, expiresAt: Date) {
  return {
    assessmentId: input.assessmentId,
    service: input.service,
    environment: input.environment,
    requestedBy: input.requestedBy,
    channelId: input.channelId,
    threadTs: input.threadTs,
    requirements: input.requirements as unknown as Prisma.InputJsonArray,
    verdict: input.verdict,
    expiresAt,
    createdAt: input.at,
  };
}

async function insertRequest(tx: Tx, input: NewSignoffRequest): Promise<SignoffRequestView> {
  const row = await tx.signoffRequest.create({
    data: {
      ...requestColumns(input, input.expiresAt),
      signoffs: {
        create: input.carried.map((signoff) => ({
          ...toRecord(signoff),
          snapshotHash: input.requirements.find((requirement) => requirement.role === signoff.role)?.snapshotHash ?? '',
        })),
      },
    },
    include: withSignoffs,
  });
  return toView(row);
}

async function auditCarried(tx: Tx, request: SignoffRequestView, signoff: SignoffRecord): Promise<void> {
  await auditSignoffEvent(tx, request, {
    actor: 'system',
    action: 'signoff.carried',
    before: { role: signoff.role, signoff: null },
    after: { role: signoff.role, signoff: signoff.kind },
    reason: `${signoff.role} results unchanged since request ${signoff.carriedFromId ?? ''}`,
    data: { role: signoff.role, userId: signoff.userId },
    dedupeKey: `signoff.carried_${request.id}_${signoff.role}_${signoff.userId}`,
  });
}

async function insertAndDecide(tx: Tx, input: NewSignoffRequest): Promise<CreatedSignoffRequest> {
  const request = await insertRequest(tx, input);
  await auditSignoffEvent(tx, request, {
    actor: input.requestedBy,
    action: 'signoff.requested',
    before: null,
    after: { status: 'PENDING' },
    data: { roles: input.requirements.map((requirement) => requirement.role), carried: input.carried.length },
  });
  for (const signoff of input.carried) await auditCarried(tx, request, signoff);
  const outcome = await decideIfDone(tx, request, request.signoffs, input.at);
  return { request: await reloadRequest(tx, request.id), created: true, outcome };
}

/** Creates the request for an assessment once; the unique assessment index turns a second attempt into a read. */
export async function createRequest(db: Db, input: NewSignoffRequest): Promise<CreatedSignoffRequest> {
  try {
    return await db.$transaction((tx) => insertAndDecide(tx, input));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await findRequest(db, { assessmentId: input.assessmentId });
    if (!existing) throw error;
    return { request: existing, created: false };
  }
}
