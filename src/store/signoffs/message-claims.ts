import type { AttemptClaim } from '../../approvals/signoff.ports.ts';
import type { Db } from '../prisma.ts';

/** The right to post a request's message now, for `leaseMs` of the database's clock (see SignoffRepository). */
export async function claimMessage(db: Db, id: string, leaseMs: number): Promise<AttemptClaim> {
  const [row] = await db.$queryRaw<{ message_attempts: number }[]>`
    UPDATE signoff_requests SET message_claimed_at = now(), message_attempts = message_attempts + 1
    WHERE id = ${id}::uuid AND message_ts IS NULL
      AND (message_claimed_at IS NULL OR message_claimed_at < now() - make_interval(secs => ${leaseMs / 1000}::double precision))
    RETURNING message_attempts`;
  return row ? { claimed: true, earlierAttempts: row.message_attempts - 1 } : { claimed: false };
}

/**
 * Gives back the claim made as attempt `attempt`, only while it is still that one. Every claim counts an attempt, so
 * the count names the claim exactly (a timestamp would need the database's microseconds to survive a JS Date): a
 * process whose post outlived its lease, while another took the claim, cannot free the other's claim and let a third
 * post beside it.
 */
export async function releaseMessageClaim(db: Db, id: string, attempt: number): Promise<boolean> {
  const { count } = await db.signoffRequest.updateMany({
    where: { id, messageTs: null, messageAttempts: attempt, messageClaimedAt: { not: null } },
    data: { messageClaimedAt: null },
  });
  return count === 1;
}

/**
 * Requests whose message was never recorded: created before `createdBefore` (their creator had time to post) and
 * within a day of it (an older one is history, not a conversation anyone waits on), not made stale since. Through
 * Prisma, which wrote created_at: it and the bounds compare in the same time zone.
 */
export async function unpostedRequests(db: Db, createdBefore: Date, limit: number): Promise<string[]> {
  const rows = await db.signoffRequest.findMany({
    where: {
      messageTs: null,
      status: { not: 'STALE' },
      createdAt: { lt: createdBefore, gt: new Date(createdBefore.getTime() - 24 * 60 * 60 * 1000) },
    },
    orderBy: { createdAt: 'asc' },
    select: { id: true },
    take: limit,
  });
  return rows.map((row) => row.id);
}
