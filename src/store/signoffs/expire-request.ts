import type { SignoffRequestView } from '../../approvals/signoff.types.ts';
import type { Db } from '../prisma.ts';
import { oweNotice } from './notices.ts';
import { auditSignoffEvent } from './signoff-audit.ts';
import { reloadRequest } from './signoff-rows.ts';

/** PENDING past its expiry -> EXPIRED, once. */
export async function expireRequest(db: Db, id: string, at: Date): Promise<SignoffRequestView | undefined> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.signoffRequest.updateMany({
      where: { id, status: 'PENDING', expiresAt: { lte: at } },
      data: { status: 'EXPIRED', decidedAt: at },
    });
    if (count === 0) return undefined;
    await oweNotice(tx, id, 'expired');
    const request = await reloadRequest(tx, id);
    await auditSignoffEvent(tx, request, {
      actor: 'system',
      action: 'signoff.expired',
      before: { status: 'PENDING' },
      after: { status: 'EXPIRED' },
      reason: 'not every sign-off was in before the request expired',
    });
    return request;
  });
}
