import type { StoredCheckSpec } from '../../assessments/assessment.ports.ts';
import type { AssessmentView } from '../../assessments/assessment.types.ts';
import type { Db } from '../prisma.ts';
import { toView, withChecks } from './rows.ts';

export async function findAssessment(db: Db, id: string): Promise<AssessmentView | undefined> {
  const row = await db.assessment.findUnique({ where: { id }, include: withChecks });
  return row ? toView(row) : undefined;
}

/** The stored definition and status of these checks of an assessment (all of them when none are named), by check id, in one query. */
export async function findCheckSpecs(db: Db, assessmentId: string, checkIds?: readonly string[]): Promise<Map<string, StoredCheckSpec>> {
  const assessment = await db.assessment.findUnique({
    where: { id: assessmentId },
    select: {
      service: true,
      environment: true,
      checks: { where: checkIds ? { checkId: { in: [...checkIds] } } : {}, select: { checkId: true, spec: true, status: true } },
    },
  });
  if (!assessment) return new Map();
  const { service, environment } = assessment;
  return new Map(assessment.checks.map((row) => [row.checkId, { spec: row.spec, status: row.status, service, environment }]));
}
