import type { Prisma } from '../../generated/prisma/client.ts';
import type { CheckOutcomeAt, CheckOutcomeRecord } from '../../assessments/assessment.ports.ts';
import type { Db } from '../prisma.ts';

export async function recordCheckOutcome(db: Db, assessmentId: string, checkId: string, outcome: CheckOutcomeRecord, at: Date): Promise<boolean> {
  const { count } = await db.checkResult.updateMany({
    where: { assessmentId, checkId, status: 'PENDING' },
    data: {
      status: outcome.status,
      message: outcome.message,
      evidence: outcome.evidence as Prisma.InputJsonObject,
      durationMs: outcome.durationMs,
      attempts: outcome.attempts,
      finishedAt: at,
    },
  });
  return count === 1;
}

/** The first entry per check id, as rows of the one JSON parameter of recordCheckOutcomes. */
function outcomeRows(outcomes: readonly CheckOutcomeAt[]) {
  const firsts = new Map<string, CheckOutcomeAt>();
  for (const entry of outcomes) if (!firsts.has(entry.checkId)) firsts.set(entry.checkId, entry);
  return [...firsts.values()].map(({ checkId, outcome, at }) => ({
    check_id: checkId,
    status: outcome.status,
    message: outcome.message,
    evidence: outcome.evidence,
    duration_ms: outcome.durationMs,
    attempts: outcome.attempts,
    finished_at: at.toISOString(),
  }));
}

/**
 * recordCheckOutcome for several checks of one assessment in one statement, with the same guard: returns
 * the ids whose outcome this call recorded. A check id given twice is recorded from its first entry only.
 */
export async function recordCheckOutcomes(db: Db, assessmentId: string, outcomes: readonly CheckOutcomeAt[]): Promise<Set<string>> {
  // One JSON parameter rather than seven per row: 200 rows would otherwise be 1,400 bound parameters.
  const rows = outcomeRows(outcomes);
  if (rows.length === 0) return new Set();
  // The rows are locked first, in check id order: two batches of one assessment that share checks (a redelivered
  // job beside a fresh one) then wait for each other instead of deadlocking on an order the join chose.
  const recorded = await db.$queryRaw<{ check_id: string }[]>`
    WITH v AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS r(check_id text, status text, message text, evidence jsonb, duration_ms int, attempts int, finished_at timestamptz)
    ), locked AS MATERIALIZED (
      SELECT c.id FROM check_results c JOIN v ON v.check_id = c.check_id
      WHERE c.assessment_id = ${assessmentId}::uuid AND c.status = 'PENDING'
      ORDER BY c.check_id
      FOR UPDATE OF c
    )
    UPDATE check_results AS c
    SET status = v.status::"CheckStatus", message = v.message, evidence = v.evidence, duration_ms = v.duration_ms,
        attempts = v.attempts, finished_at = v.finished_at AT TIME ZONE 'UTC'
    FROM v, locked
    WHERE c.id = locked.id AND c.check_id = v.check_id AND c.status = 'PENDING'
    RETURNING c.check_id`;
  return new Set(recorded.map((row) => row.check_id));
}

/** Checks of the assessment still waiting for a worker: PENDING and not manual (those wait for a person). */
export async function countUnfinishedChecks(db: Db, assessmentId: string): Promise<number> {
  return db.checkResult.count({ where: { assessmentId, status: 'PENDING', type: { not: 'manual' } } });
}
