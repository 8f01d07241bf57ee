import type { MarkStaleInput } from '../../approvals/signoff.ports.ts';
import type { SignoffRequestView } from '../../approvals/signoff.types.ts';
import type { Db } from '../prisma.ts';
import { auditSignoffEvent } from './signoff-audit.ts';
import { LOCKING_TX, lockRequest, reloadRequest, type Tx } from './signoff-rows.ts';

const OPEN = ['PENDING', 'APPROVED'] as const;

/** One open request -> STALE, with its audit event; undefined when it was no longer open. */
async function markOneStale(tx: Tx, id: string, input: MarkStaleInput): Promise<SignoffRequestView | undefined> {
  // Locked first, so the audit says whether it was pending or approved when it went stale.
  const found = await lockRequest(tx, id);
  const { count } = await tx.signoffRequest.updateMany({ where: { id, status: { in: [...OPEN] } }, data: { status: 'STALE', staleSince: input.at } });
  if (count === 0) return undefined;
  const request = await reloadRequest(tx, id);
  await auditSignoffEvent(tx, request, {
    actor: 'system',
    action: 'signoff.stale',
    before: { status: found?.status ?? null },
    after: { status: 'STALE' },
    reason: `a newer assessment (${input.newerAssessmentId.slice(0, 8)}) of ${input.service} in ${input.environment} completed`,
    data: { newerAssessmentId: input.newerAssessmentId },
  });
  return request;
}

/** Open requests of older assessments of the same service and environment become STALE; returns them. */
export async function markStale(db: Db, input: MarkStaleInput): Promise<SignoffRequestView[]> {
  return db.$transaction(async (tx) => {
    const open = await tx.signoffRequest.findMany({
      where: { service: input.service, environment: input.environment, status: { in: [...OPEN] }, assessmentId: { not: input.newerAssessmentId } },
      select: { id: true, assessmentId: true },
    });
    // Only requests of assessments older than the newer one: a sign-off requested late on an old assessment must not
    // make the current assessment's request stale.
    const newer = await tx.assessment.findUnique({ where: { id: input.newerAssessmentId }, select: { createdAt: true } });
    if (!newer || open.length === 0) return [];
    const older = new Set(
      (
        await tx.assessment.findMany({
          where: { id: { in: open.map((request) => request.assessmentId) }, createdAt: { lt: newer.createdAt } },
          select: { id: true },
        })
      ).map((assessment) => assessment.id),
    );
    const stale: SignoffRequestView[] = [];
    for (const { id } of open.filter((request) => older.has(request.assessmentId))) {
      const request = await markOneStale(tx, id, input);
      if (request) stale.push(request);
    }
    return stale;
  }, LOCKING_TX);
}
