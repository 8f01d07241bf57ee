import type { Prisma } from '../../generated/prisma/client.ts';
import type { DigestPostOutcome, DigestRunClaim, PostedDigest } from '../../digests/digest.ports.ts';
import { auditInsert } from '../audit.repository.ts';
import type { Db } from '../prisma.ts';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

// The run's row lock is held across one Slack call (10 s client timeout); allow for it.
const LOCKING_TX = { timeout: 30_000, maxWait: 15_000 };

async function lockRun(tx: Tx, key: string): Promise<{ status: string; message_ts: string | null }> {
  const [locked] = await tx.$queryRaw<{ status: string; message_ts: string | null }[]>`
    SELECT status::text, message_ts FROM digest_runs WHERE key = ${key} FOR UPDATE`;
  if (!locked) throw new Error(`digest run ${key} vanished`);
  return locked;
}

function postedAudit(claim: DigestRunClaim, messageTs: string): Prisma.AuditEventCreateInput {
  return auditInsert({
    actor: claim.requestedBy,
    action: 'digest.posted',
    subjectType: 'digest',
    subjectId: claim.digest,
    before: { slot: claim.slotAt.toISOString(), status: 'PENDING' },
    after: { slot: claim.slotAt.toISOString(), status: 'POSTED' },
    data: {
      key: claim.key,
      channel: claim.channelId,
      periodFrom: claim.periodFrom.toISOString(),
      slotAt: claim.slotAt.toISOString(),
      messageTs,
    },
    dedupeKey: `digest.posted:${claim.key}`,
  });
}

async function markPosted(tx: Tx, claim: DigestRunClaim, posted: PostedDigest): Promise<void> {
  await tx.digestRun.updateMany({
    where: { key: claim.key, status: 'PENDING' },
    data: { status: 'POSTED', messageTs: posted.messageTs, postedAt: new Date(), summary: posted.summary as Prisma.InputJsonObject },
  });
  await tx.auditEvent.create({ data: postedAudit(claim, posted.messageTs) });
}

/**
 * Posts a digest run at most once: the run's row is created if new, then locked while `post` runs, so a second
 * delivery of the same job (another replica, a redelivery) waits and then finds it POSTED. A crash between Slack's
 * answer and the commit leaves it PENDING, and the retry posts it again.
 */
export async function postOnce(db: Db, claim: DigestRunClaim, post: () => Promise<PostedDigest>): Promise<DigestPostOutcome> {
  await db.digestRun.createMany({ data: [{ ...claim }], skipDuplicates: true });
  return db.$transaction(async (tx): Promise<DigestPostOutcome> => {
    const locked = await lockRun(tx, claim.key);
    if (locked.status === 'POSTED') return { posted: false, reason: 'already_posted', messageTs: locked.message_ts };
    const posted = await post();
    await markPosted(tx, claim, posted);
    return { posted: true, messageTs: posted.messageTs };
  }, LOCKING_TX);
}

export function findRun(db: Db, key: string) {
  return db.digestRun.findUnique({ where: { key } });
}
