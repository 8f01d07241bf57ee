import type { PendingSignoffNotice, SignoffNotices } from '../../approvals/signoff.ports.ts';
import type { Db } from '../prisma.ts';
import type { Tx } from './signoff-rows.ts';

/** Owes the thread a notice, inside the transition's transaction: committed together or not at all. Once per key. */
export async function oweNotice(tx: Tx, requestId: string, kind: PendingSignoffNotice['kind']): Promise<void> {
  await tx.signoffNotice.createMany({ data: [{ key: `${kind}:${requestId}`, requestId, kind }], skipDuplicates: true });
}

const KINDS = new Set<string>(['decided', 'overridden', 'expired']);

export function createSignoffNotices(db: Db): SignoffNotices {
  return {
    async pending(requestId) {
      const rows = await db.signoffNotice.findMany({ where: { requestId, status: 'PENDING' }, orderBy: { createdAt: 'asc' } });
      return rows
        .filter((row) => KINDS.has(row.kind))
        .map((row) => ({ key: row.key, kind: row.kind as PendingSignoffNotice['kind'], attempts: row.attempts }));
    },
    async recordAttempt(key) {
      await db.signoffNotice.updateMany({ where: { key, status: 'PENDING' }, data: { attempts: { increment: 1 } } });
    },
    async markSent(key, postedTs, at) {
      await db.signoffNotice.updateMany({ where: { key, status: 'PENDING' }, data: { status: 'SENT', postedTs: postedTs ?? null, sentAt: at } });
    },
  };
}
