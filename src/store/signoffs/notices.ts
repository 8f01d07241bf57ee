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
    // The lease is the database's clock, so processes on machines whose clocks differ agree on it.
    async claimAttempt(key, leaseMs) {
      const [row] = await db.$queryRaw<{ attempts: number }[]>`
        UPDATE signoff_notices SET attempts = attempts + 1, attempted_at = now()
        WHERE key = ${key} AND status = 'PENDING'
          AND (attempted_at IS NULL OR attempted_at < now() - make_interval(secs => ${leaseMs / 1000}::double precision))
        RETURNING attempts`;
      return row ? { claimed: true, earlierAttempts: row.attempts - 1 } : { claimed: false };
    },
    // Only while the claim is still the one made as `attempt`: a post that outlived its lease must not free the claim
    // another process has taken since, or a third could post beside it.
    async releaseAttempt(key, attempt) {
      await db.signoffNotice.updateMany({ where: { key, status: 'PENDING', attempts: attempt }, data: { attemptedAt: null } });
    },
    async owed(dueBefore, limit) {
      // Through Prisma, which wrote created_at: it and the bound compare in the same time zone.
      const rows = await db.signoffNotice.findMany({
        where: { status: 'PENDING', createdAt: { lt: dueBefore } },
        orderBy: { createdAt: 'asc' },
        select: { requestId: true },
        take: limit,
      });
      return [...new Set(rows.map((row) => row.requestId))];
    },
    async markSent(key, postedTs, at) {
      await db.signoffNotice.updateMany({ where: { key, status: 'PENDING' }, data: { status: 'SENT', postedTs: postedTs ?? null, sentAt: at } });
    },
  };
}
