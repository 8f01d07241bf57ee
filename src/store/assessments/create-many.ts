import type { AssessmentPlan, AssessmentView, NewAssessment } from '../../assessments/assessment.types.ts';
import { classifyInfrastructureError } from '../../assessments/infrastructure-error.ts';
import type { Db } from '../prisma.ts';
import { checkRowsOf, createAssessment, requestedAudit } from './create.ts';
import { toView, withChecks, type CheckRow } from './rows.ts';
import type { Tx } from './transaction.ts';

export interface CreateRequest {
  input: NewAssessment;
  plan: AssessmentPlan;
}
export interface Created {
  assessment: AssessmentView;
  created: boolean;
}

/**
 * Most check rows one grouped transaction inserts (whole assessments: a larger one has a transaction of its own, as
 * it had before grouping): a group of large assessments is a few transactions of bounded size, each well inside
 * Prisma's 5 s, not one of tens of thousands of rows.
 */
const CHECK_ROWS_PER_TRANSACTION = 5000;

interface NewRows {
  assessmentId: string;
  rows: readonly CheckRow[];
}

/** The requests in consecutive transactions of at most CHECK_ROWS_PER_TRANSACTION check rows. */
function transactionsOf(requests: readonly CreateRequest[]): CreateRequest[][] {
  const transactions: CreateRequest[][] = [];
  let current: CreateRequest[] = [];
  let rows = 0;
  for (const request of requests) {
    const size = request.plan.checks.length + request.plan.skipped.length;
    if (current.length > 0 && rows + size > CHECK_ROWS_PER_TRANSACTION) {
      transactions.push(current);
      current = [];
      rows = 0;
    }
    current.push(request);
    rows += size;
  }
  if (current.length > 0) transactions.push(current);
  return transactions;
}

/** Inserts the check rows of several new assessments in one statement; returns each one's check ids in `find` order. */
async function insertCheckRowsOf(tx: Tx, assessments: readonly NewRows[]): Promise<Map<string, string[]>> {
  const order = new Map<string, string[]>(assessments.map(({ assessmentId }) => [assessmentId, []]));
  const records = assessments.flatMap(({ assessmentId, rows }) =>
    rows.map((row) => ({
      assessment_id: assessmentId,
      check_id: row.checkId,
      name: row.name,
      type: row.type,
      category: row.category,
      severity: row.severity,
      spec: row.spec,
      status: row.status,
      message: row.message,
      evidence: row.evidence,
    })),
  );
  if (records.length === 0) return order;
  // As insertCheckRows (create.ts), with the assessment id per row: one statement for the whole group.
  const inserted = await tx.$queryRaw<{ assessment_id: string; check_id: string }[]>`
    WITH inserted AS (
      INSERT INTO check_results (id, assessment_id, check_id, name, type, category, severity, spec, status, message, evidence)
      SELECT gen_random_uuid(), v.assessment_id::uuid, v.check_id, v.name, v.type, v.category, v.severity, v.spec,
             v.status::"CheckStatus", v.message, v.evidence
      FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
        AS v(assessment_id text, check_id text, name text, type text, category text, severity text, spec jsonb, status text, message text, evidence jsonb)
      RETURNING assessment_id, check_id
    )
    SELECT assessment_id::text AS assessment_id, check_id FROM inserted ORDER BY check_id ASC`;
  for (const row of inserted) order.get(row.assessment_id)?.push(row.check_id);
  return order;
}

/**
 * The group's assessments (one INSERT, ON CONFLICT DO NOTHING), their check rows (one INSERT) and audit events
 * (one INSERT), in one transaction. Returns the views of the
 * assessments this call inserted, by requestKey; a requestKey already taken is not among them.
 */
async function insertGroup(
  tx: Tx,
  requests: ReadonlyMap<string, CreateRequest & { rows: readonly CheckRow[] }>,
): Promise<Map<string, AssessmentView>> {
  const inserted = await tx.assessment.createManyAndReturn({
    data: [...requests.values()].map(({ input, plan }) => ({ ...input, goThreshold: plan.thresholds.go, cautionThreshold: plan.thresholds.caution })),
    skipDuplicates: true,
  });
  if (inserted.length === 0) return new Map();
  const rowsOf = (requestKey: string) => requests.get(requestKey)?.rows ?? [];
  const order = await insertCheckRowsOf(
    tx,
    inserted.map((row) => ({ assessmentId: row.id, rows: rowsOf(row.requestKey) })),
  );
  await tx.auditEvent.createMany({
    data: inserted.flatMap((row) => {
      const request = requests.get(row.requestKey);
      return request ? [requestedAudit(request.input, request.plan, row)] : [];
    }),
  });
  return new Map(
    inserted.map((row) => {
      const byId = new Map(rowsOf(row.requestKey).map((check) => [check.checkId, check]));
      const checks = (order.get(row.id) ?? []).flatMap((checkId) => byId.get(checkId) ?? []);
      return [row.requestKey, toView({ ...row, checks })];
    }),
  );
}

const fulfilled = (value: Created): PromiseSettledResult<Created> => ({ status: 'fulfilled', value });
const rejected = (reason: unknown): PromiseSettledResult<Created> => ({ status: 'rejected', reason });

/** Today's one transaction per request, one after another: a request that fails fails alone. */
async function oneByOne(db: Db, requests: readonly CreateRequest[]): Promise<PromiseSettledResult<Created>[]> {
  const outcomes: PromiseSettledResult<Created>[] = [];
  for (const { input, plan } of requests) outcomes.push(await createAssessment(db, input, plan).then(fulfilled, rejected));
  return outcomes;
}

/**
 * Creates the assessments of several requests in one transaction (createAssessment for each, grouped), one outcome
 * per request in order. A requestKey taken before (the intake job racing the bot), or earlier in the same group,
 * finds the first assessment (`created: false`), never a second. When the group's transaction fails for anything
 * but our database being away (one request the database refuses), the requests are created one by one, so only
 * the bad one fails; with the database away every request fails, as each would alone.
 */
export async function createAssessments(db: Db, requests: readonly CreateRequest[]): Promise<PromiseSettledResult<Created>[]> {
  const outcomes: PromiseSettledResult<Created>[] = [];
  // One after another: a requestKey repeated in a later transaction finds the assessment an earlier one committed.
  for (const transaction of transactionsOf(requests)) outcomes.push(...(await createInOneTransaction(db, transaction)));
  return outcomes;
}

/** createAssessments for requests whose check rows fit one transaction. */
async function createInOneTransaction(db: Db, requests: readonly CreateRequest[]): Promise<PromiseSettledResult<Created>[]> {
  if (requests.length <= 1) return oneByOne(db, requests);
  const firsts = new Map<string, CreateRequest & { rows: readonly CheckRow[] }>();
  for (const request of requests) {
    if (!firsts.has(request.input.requestKey)) firsts.set(request.input.requestKey, { ...request, rows: checkRowsOf(request.plan) });
  }
  let inserted: Map<string, AssessmentView>;
  try {
    inserted = await db.$transaction((tx) => insertGroup(tx, firsts));
  } catch (error) {
    if (classifyInfrastructureError(error) === 'database') return requests.map(() => rejected(error));
    return oneByOne(db, requests);
  }
  const taken = [...firsts.keys()].filter((requestKey) => !inserted.has(requestKey));
  let existing = new Map<string, AssessmentView>();
  let lookupFailure: unknown;
  if (taken.length > 0) {
    try {
      const rows = await db.assessment.findMany({ where: { requestKey: { in: taken } }, include: withChecks });
      existing = new Map(rows.map((row) => [row.requestKey, toView(row)]));
    } catch (error) {
      lookupFailure = error;
    }
  }
  const answered = new Set<string>();
  return requests.map(({ input: { requestKey } }) => {
    const mine = inserted.get(requestKey);
    const first = !answered.has(requestKey);
    answered.add(requestKey);
    if (mine) return fulfilled({ assessment: mine, created: first });
    const found = existing.get(requestKey);
    if (found) return fulfilled({ assessment: found, created: false });
    return rejected(lookupFailure ?? new Error(`assessment ${requestKey} was neither inserted nor found`));
  });
}
