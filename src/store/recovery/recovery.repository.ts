import type { RecoveryRepository } from '../../recovery/recovery.ports.ts';
import { auditInsert } from '../audit.repository.ts';
import type { Db } from '../prisma.ts';
import { recoveryCandidates } from './recovery-candidates.ts';
import { armedTimers } from './armed-timers.ts';

/** Reads for the recovery sweep, and the audit events it writes. */
export function createRecoveryRepository(db: Db): RecoveryRepository {
  return {
    candidates: (limit) => recoveryCandidates(db, limit),

    armedTimers: () => armedTimers(db),

    async record(entry) {
      const { count } = await db.auditEvent.createMany({ data: [auditInsert(entry)], skipDuplicates: true });
      return count === 1;
    },

    async recorded(dedupeKey) {
      return (await db.auditEvent.findUnique({ where: { dedupeKey }, select: { id: true } })) !== null;
    },
  };
}
