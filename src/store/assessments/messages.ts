import type { MessageClaim } from '../../assessments/assessment.ports.ts';
import type { Db } from '../prisma.ts';

/**
 * Takes the right to post the assessment's first message: granted when it has no message and no claim newer
 * than `staleBefore` (a claimant that died holds it no longer than that). One statement, so of two processes
 * claiming at once exactly one is granted.
 */
export async function claimMessage(db: Db, id: string, at: Date, staleBefore: Date): Promise<MessageClaim> {
  // A claim given back between the update and the read shows as "no message, no claim": try again.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const { count } = await db.assessment.updateMany({
      where: { id, messageTs: null, OR: [{ messageClaimedAt: null }, { messageClaimedAt: { lte: staleBefore } }] },
      data: { messageClaimedAt: at },
    });
    if (count === 1) return { claimed: true };
    const row = await db.assessment.findUnique({ where: { id }, select: { messageTs: true, messageClaimedAt: true } });
    if (!row) return { claimed: false, reason: 'not_found' };
    if (row.messageTs !== null) return { claimed: false, reason: 'posted' };
    if (row.messageClaimedAt !== null) return { claimed: false, reason: 'claimed', claimedAt: row.messageClaimedAt };
  }
  return { claimed: false, reason: 'claimed', claimedAt: at };
}

/** Gives a claim back (its post failed), so the next claimant need not wait for it to go stale. */
export async function releaseMessageClaim(db: Db, id: string, claimedAt: Date): Promise<boolean> {
  const { count } = await db.assessment.updateMany({
    where: { id, messageTs: null, messageClaimedAt: claimedAt },
    data: { messageClaimedAt: null },
  });
  return count === 1;
}

export async function attachMessage(db: Db, id: string, messageTs: string): Promise<boolean> {
  const { count } = await db.assessment.updateMany({ where: { id, messageTs: null }, data: { messageTs } });
  return count === 1;
}
