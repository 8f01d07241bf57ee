import { scoreAssessment, type ReadinessResult, type VerdictThresholds } from '../../readiness/score.ts';
import type { Db } from '../prisma.ts';
import { toCheckView } from './rows.ts';

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** Serialises everything that scores an assessment: completion and attestations. */
export async function lockAssessment(tx: Tx, id: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM assessments WHERE id = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) return undefined;
  return tx.assessment.findUnique({ where: { id } });
}

/** Scores the assessment from its check rows as this transaction sees them. */
export async function scoreInTransaction(tx: Tx, id: string, thresholds: VerdictThresholds): Promise<ReadinessResult> {
  const checks = await tx.checkResult.findMany({ where: { assessmentId: id } });
  return scoreAssessment(checks.map(toCheckView), thresholds);
}
