import { Prisma } from '../generated/prisma/client.ts';
import type { AssessmentPlan, AssessmentView, CheckResultView, NewAssessment } from '../assessments/assessment.types.ts';
import type { CheckOutcomeStatus } from '../checks/check.types.ts';
import type { ReadinessResult } from '../readiness/score.ts';
import type { Db } from './prisma.ts';
import { auditInsert, type AuditEntry } from './audit.repository.ts';

const withChecks = { checks: { orderBy: { checkId: 'asc' } } } satisfies Prisma.AssessmentInclude;
type AssessmentRow = Prisma.AssessmentGetPayload<{ include: typeof withChecks }>;

function toView(row: AssessmentRow): AssessmentView {
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
    checks: row.checks.map(
      (check): CheckResultView => ({
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
      }),
    ),
  };
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export interface CheckOutcomeRecord {
  status: CheckOutcomeStatus;
  message: string;
  evidence: Record<string, unknown>;
  durationMs: number | null;
  attempts: number;
}

/** Every write is a guarded transition (`WHERE status = …`): applying it twice changes nothing the second time. */
export function createAssessmentRepository(db: Db) {
  return {
    /** Creates the assessment and a PENDING row per check; the same requestKey returns the existing one. */
    async create(input: NewAssessment, plan: AssessmentPlan): Promise<{ assessment: AssessmentView; created: boolean }> {
      const { checks, thresholds } = plan;
      try {
        const row = await db.$transaction(async (tx) => {
          const created = await tx.assessment.create({
            data: {
              ...input,
              goThreshold: thresholds.go,
              cautionThreshold: thresholds.caution,
              checks: {
                create: checks.map((check) => ({
                  checkId: check.id,
                  name: check.name,
                  type: check.type,
                  category: check.category,
                  severity: check.severity,
                  spec: check as Prisma.InputJsonObject,
                })),
              },
            },
            include: withChecks,
          });
          await tx.auditEvent.create({
            data: auditInsert({
              actor: input.requestedBy,
              action: 'assessment.requested',
              subjectType: 'assessment',
              subjectId: created.id,
              data: { service: input.service, environment: input.environment, checks: checks.length },
            }),
          });
          return created;
        });
        return { assessment: toView(row), created: true };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const existing = await db.assessment.findUnique({ where: { requestKey: input.requestKey }, include: withChecks });
        if (!existing) throw error;
        return { assessment: toView(existing), created: false };
      }
    },

    async find(id: string): Promise<AssessmentView | undefined> {
      const row = await db.assessment.findUnique({ where: { id }, include: withChecks });
      return row ? toView(row) : undefined;
    },

    async findCheckSpec(assessmentId: string, checkId: string): Promise<{ spec: unknown; status: string } | undefined> {
      const row = await db.checkResult.findUnique({
        where: { assessmentId_checkId: { assessmentId, checkId } },
        select: { spec: true, status: true },
      });
      return row ?? undefined;
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

    async complete(id: string, result: ReadinessResult, at: Date): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.assessment.updateMany({
          where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
          data: { status: 'COMPLETED', score: result.score, verdict: result.verdict, completedAt: at },
        });
        if (count === 1) {
          await tx.auditEvent.create({
            data: auditInsert({
              actor: 'system',
              action: 'assessment.completed',
              subjectType: 'assessment',
              subjectId: id,
              reason: result.blockers.map((blocker) => blocker.reason).join('; ') || null,
              data: { verdict: result.verdict, score: result.score, risk: result.risk },
            }),
          });
        }
        return count === 1;
      });
    },

    async fail(id: string, reason: string, at: Date): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.assessment.updateMany({
          where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
          data: { status: 'FAILED', failureReason: reason, completedAt: at },
        });
        if (count === 1) {
          const entry: AuditEntry = { actor: 'system', action: 'assessment.failed', subjectType: 'assessment', subjectId: id, reason };
          await tx.auditEvent.create({ data: auditInsert(entry) });
        }
        return count === 1;
      });
    },
  };
}
export type AssessmentRepository = ReturnType<typeof createAssessmentRepository>;
