import { scoreAssessment, type ReadinessResult, type ScoredCheck, type VerdictThresholds } from '../../readiness/score.ts';
import type { Db } from '../prisma.ts';

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** Serialises everything that scores an assessment: completion and attestations. */
export async function lockAssessment(tx: Tx, id: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM assessments WHERE id = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) return undefined;
  return tx.assessment.findUnique({ where: { id } });
}

/**
 * Scores the assessment from its check rows as this transaction sees them. Only what scoring reads: the verdict of
 * a 1,000-check assessment waits on this query, and each row's whole spec and evidence (JSON, decoded per row)
 * made up most of its cost.
 */
export async function scoreInTransaction(tx: Tx, id: string, thresholds: VerdictThresholds): Promise<ReadinessResult> {
  const checks = await tx.$queryRaw<ScoredRow[]>`
    SELECT check_id, name, category, severity, status::text AS status, message,
           CASE WHEN jsonb_typeof(spec->'weight') = 'number' THEN (spec->>'weight')::float8 END AS weight
    FROM check_results WHERE assessment_id = ${id}::uuid ORDER BY check_id`;
  return scoreAssessment(
    checks.map((row) => ({
      checkId: row.check_id,
      name: row.name,
      category: row.category,
      severity: row.severity as ScoredCheck['severity'],
      weight: row.weight ?? undefined,
      status: row.status as ScoredCheck['status'],
      message: row.message,
    })),
    thresholds,
  );
}

interface ScoredRow {
  check_id: string;
  name: string;
  category: string;
  severity: string;
  status: string;
  message: string | null;
  weight: number | null;
}
