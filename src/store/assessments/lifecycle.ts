import type { ReadinessResult } from '../../readiness/score.ts';
import { redactText } from '../../secrets/redact.ts';
import type { AuditEntry } from '../../audit/audit-entry.ts';
import { auditInsert } from '../audit.repository.ts';
import type { Db } from '../prisma.ts';
import { lockAssessment, scoreInTransaction } from './transaction.ts';

export async function markRunning(db: Db, id: string, at: Date): Promise<boolean> {
  const { count } = await db.assessment.updateMany({ where: { id, status: 'QUEUED' }, data: { status: 'RUNNING', startedAt: at } });
  return count === 1;
}

/**
 * Scores the assessment from its checks as they are at this instant and completes it. The row lock makes an
 * attestation that lands at the same moment wait, so the verdict never misses it.
 */
export async function completeAssessment(db: Db, id: string, at: Date): Promise<ReadinessResult | undefined> {
  return db.$transaction(async (tx) => {
    const locked = await lockAssessment(tx, id);
    if (!locked || (locked.status !== 'QUEUED' && locked.status !== 'RUNNING')) return undefined;
    const result = await scoreInTransaction(tx, id, { go: locked.goThreshold, caution: locked.cautionThreshold });
    await tx.assessment.update({
      where: { id },
      data: { status: 'COMPLETED', score: result.score, verdict: result.verdict, completedAt: at },
    });
    await tx.auditEvent.create({
      data: auditInsert({
        actor: 'system',
        action: 'assessment.completed',
        subjectType: 'assessment',
        subjectId: id,
        before: { status: locked.status, verdict: null },
        after: { status: 'COMPLETED', verdict: result.verdict },
        reason: result.blockers.map((blocker) => blocker.reason).join('; ') || null,
        data: { verdict: result.verdict, score: result.score, risk: result.risk },
      }),
    });
    return result;
  });
}

/** Ends a QUEUED or RUNNING assessment as FAILED; false when it had already finished. */
export async function failAssessment(db: Db, id: string, why: string, at: Date): Promise<boolean> {
  return endWithoutVerdict(db, id, why, at, { status: 'FAILED', action: 'assessment.failed' });
}

/** Ends a QUEUED or RUNNING assessment as UNASSESSABLE ("could not assess"); false when it had already finished. */
export async function markUnassessable(db: Db, id: string, cause: string, at: Date): Promise<boolean> {
  return endWithoutVerdict(db, id, cause, at, { status: 'UNASSESSABLE', action: 'assessment.unassessable' });
}

/** The one guarded transition from QUEUED or RUNNING to a final state without a verdict, audited with its reason. */
async function endWithoutVerdict(
  db: Db,
  id: string,
  why: string,
  at: Date,
  end: { status: 'FAILED' | 'UNASSESSABLE'; action: string },
): Promise<boolean> {
  // The reason often quotes an infrastructure error, which may quote a URL with its credentials.
  const reason = redactText(why);
  return db.$transaction(async (tx) => {
    // Locked first so the audit says which of the two states the assessment failed from.
    const locked = await lockAssessment(tx, id);
    const { count } = await tx.assessment.updateMany({
      where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: end.status, failureReason: reason, completedAt: at },
    });
    if (count === 1) {
      const entry: AuditEntry = {
        actor: 'system',
        action: end.action,
        subjectType: 'assessment',
        subjectId: id,
        reason,
        before: { status: locked?.status ?? null },
        after: { status: end.status },
      };
      await tx.auditEvent.create({ data: auditInsert(entry) });
    }
    return count === 1;
  });
}
