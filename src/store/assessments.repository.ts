import type { Prisma } from '../generated/prisma/client.ts';
import { redactDeep, redactText } from '../secrets/redact.ts';
import type { ReadinessResult } from '../readiness/score.ts';
import type { AssessmentPlan, AssessmentView, AttestationView, CheckResultView, NewAssessment } from '../assessments/assessment.types.ts';
import type { CheckOutcomeStatus } from '../checks/check.types.ts';
import type { Db } from './prisma.ts';
import type { CheckSpec } from '../config/readiness-config.schema.ts';
import { ManualCheckSpec } from '../checks/specs/manual.ts';
import { attestationEvidence, attestationMessage, initialCheckState, type InitialCheckState } from '../assessments/initial-check-state.ts';
import { scoreAssessment, type VerdictThresholds } from '../readiness/score.ts';
import { auditInsert, type AuditEntry } from './audit.repository.ts';

const withChecks = { checks: { orderBy: { checkId: 'asc' } } } satisfies Prisma.AssessmentInclude;
type AssessmentRow = Prisma.AssessmentGetPayload<{ include: typeof withChecks }>;

/** The columns of a check row that a view is made of. */
type CheckRow = Pick<AssessmentRow['checks'][number], 'checkId' | 'name' | 'type' | 'category' | 'severity' | 'status' | 'message' | 'durationMs'> & {
  spec: unknown;
  evidence: unknown;
};

function toView(row: Omit<AssessmentRow, 'checks'> & { checks: readonly CheckRow[] }): AssessmentView {
  return {
    id: row.id,
    service: row.service,
    environment: row.environment,
    status: row.status,
    requestedBy: row.requestedBy,
    channelId: row.channelId,
    messageTs: row.messageTs,
    score: row.score,
    verdict: row.verdict as AssessmentView['verdict'],
    thresholds: { go: row.goThreshold, caution: row.cautionThreshold },
    failureReason: row.failureReason,
    createdAt: row.createdAt,
    completedAt: row.completedAt,
    checks: row.checks.map(toCheckView),
  };
}

function toCheckView(check: CheckRow): CheckResultView {
  return {
    checkId: check.checkId,
    name: check.name,
    type: check.type,
    category: check.category,
    severity: check.severity as CheckResultView['severity'],
    weight: (check.spec as { weight?: number }).weight,
    status: check.status,
    message: check.message,
    evidence: (check.evidence as Record<string, unknown> | null) ?? null,
    durationMs: check.durationMs,
    manual: manualOf(check.spec),
  };
}

function manualOf(spec: unknown): CheckResultView['manual'] {
  // Only a manual check can parse; skipping the others keeps a 200-check view from paying for 200 failed parses.
  if ((spec as { type?: unknown } | null)?.type !== 'manual') return undefined;
  const parsed = ManualCheckSpec.safeParse(spec);
  if (!parsed.success) return undefined;
  return { role: parsed.data.role, instructions: parsed.data.instructions, validForMs: parsed.data.validFor };
}

export interface CheckOutcomeRecord {
  status: CheckOutcomeStatus;
  message: string;
  evidence: Record<string, unknown>;
  durationMs: number | null;
  attempts: number;
}

export interface CheckOutcomeAt {
  checkId: string;
  outcome: CheckOutcomeRecord;
  at: Date;
}

/** A check as its job finds it: the definition stored with the assessment, and whether it still waits for a result. */
export interface StoredCheckSpec {
  spec: unknown;
  status: CheckResultView['status'];
  /** Of the check's assessment: what the check is run for. */
  service: string;
  environment: string;
}

/** Whether this process may post an assessment's first message (see claimMessage). */
export type MessageClaim =
  | { claimed: true }
  | { claimed: false; reason: 'posted' | 'not_found' }
  | { claimed: false; reason: 'claimed'; claimedAt: Date };

export type AttestOutcome = { applied: false } | { applied: true; rescored?: { from: string | null; to: string } };

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

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

/** Serialises everything that scores an assessment: completion and attestations. */
async function lockAssessment(tx: Tx, id: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM assessments WHERE id = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) return undefined;
  return tx.assessment.findUnique({ where: { id } });
}

async function scoreInTransaction(tx: Tx, id: string, thresholds: VerdictThresholds): Promise<ReadinessResult> {
  const checks = await tx.checkResult.findMany({ where: { assessmentId: id } });
  return scoreAssessment(checks.map(toCheckView), thresholds);
}

/** Every write is a guarded transition (`WHERE status = …`): applying it twice changes nothing the second time. */
export function createAssessmentRepository(db: Db) {
  return {
    /** Creates the assessment and a PENDING row per check; the same requestKey returns the existing one. */
    async create(input: NewAssessment, plan: AssessmentPlan): Promise<{ assessment: AssessmentView; created: boolean }> {
      const { checks, skipped, attestations, thresholds } = plan;
      const rowOf = (check: CheckSpec, state: InitialCheckState): CheckRow => ({
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
      });
      const rows = [
        ...checks.map((check) => rowOf(check, initialCheckState(check, attestations.get(check.id)))),
        ...skipped.map(({ check, reason }) => rowOf(check, { status: 'SKIPPED', message: reason, evidence: null })),
      ];
      // ON CONFLICT DO NOTHING rather than a unique violation: every run is asked for twice (the bot, then its
      // intake job), and the second asking is not an error, in Postgres's log or anywhere else.
      const view = await db.$transaction(async (tx) => {
        const [created] = await tx.assessment.createManyAndReturn({
          data: [{ ...input, goThreshold: thresholds.go, cautionThreshold: thresholds.caution }],
          skipDuplicates: true,
        });
        if (!created) return undefined;
        const order = await insertCheckRows(tx, created.id, rows);
        await tx.auditEvent.create({
          data: auditInsert({
            actor: input.requestedBy,
            action: 'assessment.requested',
            subjectType: 'assessment',
            subjectId: created.id,
            before: null,
            after: { status: created.status },
            data: { service: input.service, environment: input.environment, checks: checks.length, skipped: skipped.length },
          }),
        });
        // The rows are what was just inserted, in the order the database sorts them (as `find` returns them).
        const byId = new Map(rows.map((row) => [row.checkId, row]));
        return toView({ ...created, checks: order.flatMap((checkId) => byId.get(checkId) ?? []) });
      });
      if (view) return { assessment: view, created: true };
      const existing = await db.assessment.findUnique({ where: { requestKey: input.requestKey }, include: withChecks });
      if (!existing) throw new Error(`assessment ${input.requestKey} was neither inserted nor found`);
      return { assessment: toView(existing), created: false };
    },

    async find(id: string): Promise<AssessmentView | undefined> {
      const row = await db.assessment.findUnique({ where: { id }, include: withChecks });
      return row ? toView(row) : undefined;
    },

    /** The stored definition and status of these checks of an assessment (all of them when none are named), by check id, in one query. */
    async findCheckSpecs(assessmentId: string, checkIds?: readonly string[]): Promise<Map<string, StoredCheckSpec>> {
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
    },

    /**
     * Takes the right to post the assessment's first message: granted when it has no message and no claim newer
     * than `staleBefore` (a claimant that died holds it no longer than that). One statement, so of two processes
     * claiming at once exactly one is granted.
     */
    async claimMessage(id: string, at: Date, staleBefore: Date): Promise<MessageClaim> {
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
    },

    /** Gives a claim back (its post failed), so the next claimant need not wait for it to go stale. */
    async releaseMessageClaim(id: string, claimedAt: Date): Promise<boolean> {
      const { count } = await db.assessment.updateMany({
        where: { id, messageTs: null, messageClaimedAt: claimedAt },
        data: { messageClaimedAt: null },
      });
      return count === 1;
    },

    async attachMessage(id: string, messageTs: string): Promise<boolean> {
      const { count } = await db.assessment.updateMany({ where: { id, messageTs: null }, data: { messageTs } });
      return count === 1;
    },

    async markRunning(id: string, at: Date): Promise<boolean> {
      const { count } = await db.assessment.updateMany({ where: { id, status: 'QUEUED' }, data: { status: 'RUNNING', startedAt: at } });
      return count === 1;
    },

    async recordCheckOutcome(assessmentId: string, checkId: string, outcome: CheckOutcomeRecord, at: Date): Promise<boolean> {
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
    },

    /**
     * recordCheckOutcome for several checks of one assessment in one statement, with the same guard: returns
     * the ids whose outcome this call recorded. A check id given twice is recorded from its first entry only.
     */
    async recordCheckOutcomes(assessmentId: string, outcomes: readonly CheckOutcomeAt[]): Promise<Set<string>> {
      const firsts = new Map<string, CheckOutcomeAt>();
      for (const entry of outcomes) if (!firsts.has(entry.checkId)) firsts.set(entry.checkId, entry);
      if (firsts.size === 0) return new Set();
      // One JSON parameter rather than seven per row: 200 rows would otherwise be 1,400 bound parameters.
      const rows = [...firsts.values()].map(({ checkId, outcome, at }) => ({
        check_id: checkId,
        status: outcome.status,
        message: outcome.message,
        evidence: outcome.evidence,
        duration_ms: outcome.durationMs,
        attempts: outcome.attempts,
        finished_at: at.toISOString(),
      }));
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
    },

    /**
     * Scores the assessment from its checks as they are at this instant and completes it. The row lock makes an
     * attestation that lands at the same moment wait, so the verdict never misses it.
     */
    async complete(id: string, at: Date): Promise<ReadinessResult | undefined> {
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
    },

    /** Attestations of these manual checks that still hold at `now`, newest first per check. */
    async findValidAttestations(service: string, environment: string, checkIds: readonly string[], now: Date): Promise<Map<string, AttestationView>> {
      if (checkIds.length === 0) return new Map();
      const rows = await db.attestation.findMany({
        where: { service, environment, checkId: { in: [...checkIds] }, expiresAt: { gt: now } },
        orderBy: { attestedAt: 'desc' },
      });
      const valid = new Map<string, AttestationView>();
      for (const row of rows) if (!valid.has(row.checkId)) valid.set(row.checkId, row);
      return valid;
    },

    /**
     * Records a person's attestation of a PENDING manual check: the check passes, the attestation is kept for
     * later assessments, and a completed assessment is re-scored, all in one transaction. Applies once.
     */
    async attest(input: {
      assessmentId: string;
      checkId: string;
      role: string;
      attestedBy: string;
      at: Date;
      expiresAt: Date;
    }): Promise<AttestOutcome> {
      return db.$transaction(async (tx) => {
        const locked = await lockAssessment(tx, input.assessmentId);
        if (!locked) return { applied: false };
        const attestation: AttestationView = {
          checkId: input.checkId,
          role: input.role,
          attestedBy: input.attestedBy,
          attestedAt: input.at,
          expiresAt: input.expiresAt,
          assessmentId: input.assessmentId,
        };
        const { count } = await tx.checkResult.updateMany({
          where: { assessmentId: input.assessmentId, checkId: input.checkId, type: 'manual', status: 'PENDING' },
          data: {
            status: 'PASS',
            message: attestationMessage(attestation),
            evidence: attestationEvidence(attestation, 'given_here') as Prisma.InputJsonObject,
            finishedAt: input.at,
          },
        });
        if (count === 0) return { applied: false };
        await tx.attestation.create({ data: { ...attestation, service: locked.service, environment: locked.environment } });
        await tx.auditEvent.create({
          data: auditInsert({
            actor: input.attestedBy,
            action: 'check.attested',
            subjectType: 'assessment',
            subjectId: input.assessmentId,
            before: { check: input.checkId, status: 'PENDING' },
            after: { check: input.checkId, status: 'PASS' },
            data: { checkId: input.checkId, role: input.role, expiresAt: input.expiresAt.toISOString() },
            dedupeKey: `check.attested_${input.assessmentId}_${input.checkId}`,
          }),
        });
        if (locked.status !== 'COMPLETED') return { applied: true };
        const result = await scoreInTransaction(tx, input.assessmentId, { go: locked.goThreshold, caution: locked.cautionThreshold });
        await tx.assessment.update({ where: { id: input.assessmentId }, data: { score: result.score, verdict: result.verdict } });
        if (result.verdict !== locked.verdict) {
          await tx.auditEvent.create({
            data: auditInsert({
              actor: 'system',
              action: 'assessment.rescored',
              subjectType: 'assessment',
              subjectId: input.assessmentId,
              before: { verdict: locked.verdict, score: locked.score },
              after: { verdict: result.verdict, score: result.score },
              reason: `${input.checkId} attested by ${input.attestedBy}`,
              data: { from: locked.verdict, to: result.verdict, score: result.score },
              dedupeKey: `assessment.rescored_${input.assessmentId}_${input.checkId}`,
            }),
          });
        }
        return { applied: true, rescored: { from: locked.verdict, to: result.verdict } };
      });
    },

    async fail(id: string, why: string, at: Date): Promise<boolean> {
      // The reason often quotes an infrastructure error, which may quote a URL with its credentials.
      const reason = redactText(why);
      return db.$transaction(async (tx) => {
        // Locked first so the audit says which of the two states the assessment failed from.
        const locked = await lockAssessment(tx, id);
        const { count } = await tx.assessment.updateMany({
          where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
          data: { status: 'FAILED', failureReason: reason, completedAt: at },
        });
        if (count === 1) {
          const entry: AuditEntry = {
            actor: 'system',
            action: 'assessment.failed',
            subjectType: 'assessment',
            subjectId: id,
            reason,
            before: { status: locked?.status ?? null },
            after: { status: 'FAILED' },
          };
          await tx.auditEvent.create({ data: auditInsert(entry) });
        }
        return count === 1;
      });
    },
  };
}
export type AssessmentRepository = ReturnType<typeof createAssessmentRepository>;
