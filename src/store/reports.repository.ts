import type { AssessmentSummary, PostedReport, ReportRepository } from '../reports/report.ports.ts';
import type { Db } from './prisma.ts';
import { auditInsert } from './audit.repository.ts';

const summary = { id: true, service: true, environment: true, status: true, channelId: true, createdAt: true } as const;

/** One report per job key, however often the job runs. */
export const postedReportKey = (assessmentId: string, key: string) => `report.posted_${assessmentId}_${key}`;

export function createReportRepository(db: Db): ReportRepository {
  return {
    findByIdPrefix: (prefix, limit) => findByIdPrefix(db, prefix, limit),
    findById: async (id) => (await db.assessment.findUnique({ where: { id }, select: summary })) ?? undefined,
    checkSpecs: (assessmentId) => checkSpecs(db, assessmentId),
    wasPosted: async (assessmentId, key) => (await db.auditEvent.count({ where: { dedupeKey: postedReportKey(assessmentId, key) } })) > 0,
    recordPosted: (report) => recordPosted(db, report),
  };
}

/**
 * Assessments whose id starts with `prefix` (lowercase hex, 8 characters), newest first. A range over the
 * primary key rather than a LIKE on its text, so the index answers it.
 */
async function findByIdPrefix(db: Db, prefix: string, limit: number): Promise<AssessmentSummary[]> {
  return db.assessment.findMany({
    where: { id: { gte: `${prefix}-0000-0000-0000-000000000000`, lte: `${prefix}-ffff-ffff-ffff-ffffffffffff` } },
    select: summary,
    orderBy: { createdAt: 'desc' },
    take: limit,
  });
}

/** Each check as configured when the assessment started (the report needs its remediation). */
async function checkSpecs(db: Db, assessmentId: string): Promise<Map<string, unknown>> {
  const rows = await db.checkResult.findMany({ where: { assessmentId }, select: { checkId: true, spec: true } });
  return new Map(rows.map((row) => [row.checkId, row.spec]));
}

/** Records that the report is in the thread; false when it already was (the audit event's dedupe key). */
async function recordPosted(db: Db, report: PostedReport): Promise<boolean> {
  const { count } = await db.auditEvent.createMany({
    data: [
      auditInsert({
        actor: report.requestedBy,
        action: 'report.posted',
        subjectType: 'assessment',
        subjectId: report.assessmentId,
        before: { report: null },
        after: { report: report.key },
        data: { key: report.key, threadTs: report.threadTs, files: report.fileNames },
        dedupeKey: postedReportKey(report.assessmentId, report.key),
      }),
    ],
    skipDuplicates: true,
  });
  return count === 1;
}
