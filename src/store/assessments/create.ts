import type { AssessmentPlan, AssessmentView, NewAssessment } from '../../assessments/assessment.types.ts';
import { initialCheckState, type InitialCheckState } from '../../assessments/initial-check-state.ts';
import type { CheckSpec } from '../../config/readiness-config.schema.ts';
import { redactDeep } from '../../secrets/redact.ts';
import { auditInsert } from '../audit.repository.ts';
import type { Db } from '../prisma.ts';
import { toView, withChecks, type CheckRow } from './rows.ts';
import type { Tx } from './transaction.ts';

function checkRowOf(check: CheckSpec, state: InitialCheckState): CheckRow {
  return {
    checkId: check.id,
    name: check.name,
    type: check.type,
    category: check.category,
    severity: check.severity,
    // Redacted: secret references are kept as written, literal secrets are not stored (see run-stored-check.ts).
    spec: redactDeep(check),
    status: state.status,
    message: state.message,
    evidence: state.evidence,
    durationMs: null,
  };
}

/** A row per check of the plan: applicable checks in their initial state, the others SKIPPED with the reason. */
export function checkRowsOf(plan: AssessmentPlan): CheckRow[] {
  const { checks, skipped, attestations } = plan;
  return [
    ...checks.map((check) => checkRowOf(check, initialCheckState(check, attestations.get(check.id)))),
    ...skipped.map(({ check, reason }) => checkRowOf(check, { status: 'SKIPPED', message: reason, evidence: null })),
  ];
}

/**
 * Inserts an assessment's check rows in one statement with one JSON parameter (200 rows through Prisma's nested
 * create are ~2,400 bound parameters and a re-read), and returns their check ids in the order `find` lists them.
 */
async function insertCheckRows(tx: Tx, assessmentId: string, rows: readonly CheckRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const records = rows.map((row) => ({
    check_id: row.checkId,
    name: row.name,
    type: row.type,
    category: row.category,
    severity: row.severity,
    spec: row.spec,
    status: row.status,
    message: row.message,
    evidence: row.evidence,
  }));
  // A JSON null becomes SQL NULL in jsonb_to_recordset, as Prisma.DbNull did for evidence.
  const inserted = await tx.$queryRaw<{ check_id: string }[]>`
    WITH inserted AS (
      INSERT INTO check_results (id, assessment_id, check_id, name, type, category, severity, spec, status, message, evidence)
      SELECT gen_random_uuid(), ${assessmentId}::uuid, v.check_id, v.name, v.type, v.category, v.severity, v.spec,
             v.status::"CheckStatus", v.message, v.evidence
      FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
        AS v(check_id text, name text, type text, category text, severity text, spec jsonb, status text, message text, evidence jsonb)
      RETURNING check_id
    )
    SELECT check_id FROM inserted ORDER BY check_id ASC`;
  return inserted.map((row) => row.check_id);
}

/** The audit event of a recorded request, written in the transaction that inserts its assessment. */
export function requestedAudit(input: NewAssessment, plan: AssessmentPlan, created: { id: string; status: string }) {
  return auditInsert({
    actor: input.requestedBy,
    action: 'assessment.requested',
    subjectType: 'assessment',
    subjectId: created.id,
    before: null,
    after: { status: created.status },
    data: { service: input.service, environment: input.environment, checks: plan.checks.length, skipped: plan.skipped.length },
  });
}

/** The assessment with its check rows and audit event, or undefined when its requestKey was already taken. */
async function insertAssessment(tx: Tx, input: NewAssessment, plan: AssessmentPlan, rows: readonly CheckRow[]): Promise<AssessmentView | undefined> {
  // ON CONFLICT DO NOTHING rather than a unique violation: every run is asked for twice (the bot, then its
  // intake job), and the second asking is not an error, in Postgres's log or anywhere else.
  const [created] = await tx.assessment.createManyAndReturn({
    data: [{ ...input, goThreshold: plan.thresholds.go, cautionThreshold: plan.thresholds.caution }],
    skipDuplicates: true,
  });
  if (!created) return undefined;
  const order = await insertCheckRows(tx, created.id, rows);
  await tx.auditEvent.create({ data: requestedAudit(input, plan, created) });
  // The rows are what was just inserted, in the order the database sorts them (as `find` returns them).
  const byId = new Map(rows.map((row) => [row.checkId, row]));
  return toView({ ...created, checks: order.flatMap((checkId) => byId.get(checkId) ?? []) });
}

/** Creates the assessment and a row per check; the same requestKey returns the existing one. */
export async function createAssessment(
  db: Db,
  input: NewAssessment,
  plan: AssessmentPlan,
): Promise<{ assessment: AssessmentView; created: boolean }> {
  const rows = checkRowsOf(plan);
  const view = await db.$transaction((tx) => insertAssessment(tx, input, plan, rows));
  if (view) return { assessment: view, created: true };
  const existing = await db.assessment.findUnique({ where: { requestKey: input.requestKey }, include: withChecks });
  if (!existing) throw new Error(`assessment ${input.requestKey} was neither inserted nor found`);
  return { assessment: toView(existing), created: false };
}
