import type { AssessmentStatus, AssessmentView, CheckResultView } from '../assessments/assessment.types.ts';
import { CheckSpec } from '../config/readiness-config.schema.ts';
import { buildReport, type ReadinessReport, type ReportInput } from '../readiness/report.ts';

/**
 * The full report of an assessment: exactly what `readiness assess --json` prints for the same checks, plus
 * which assessment it is, who asked for it and when.
 */
export interface ReportDocument extends ReadinessReport {
  assessment: {
    id: string;
    status: AssessmentStatus;
    requestedBy: string;
    requestedAt: string;
    completedAt: string | null;
  };
}

/**
 * The check as configured when the assessment started. Should the stored spec no longer parse (the check
 * types evolved since), the row's own columns still carry the fields every check has, and `partial` says so.
 */
function specOf(check: CheckResultView, stored: unknown): { spec: CheckSpec; partial: boolean } {
  const parsed = CheckSpec.safeParse(stored);
  if (parsed.success && parsed.data.id === check.checkId) return { spec: parsed.data, partial: false };
  const remediation = (stored as { remediation?: unknown } | null)?.remediation;
  const spec = {
    id: check.checkId,
    name: check.name,
    category: check.category,
    severity: check.severity,
    type: check.type,
    ...(check.weight === undefined ? {} : { weight: check.weight }),
    ...(typeof remediation === 'string' ? { remediation } : {}),
  } as CheckSpec;
  return { spec, partial: true };
}

function reportInput(check: CheckResultView, stored: unknown): ReportInput {
  const { spec, partial } = specOf(check, stored);
  return {
    spec,
    partialSpec: partial,
    outcome: {
      status: check.status,
      message: check.message ?? 'no result was recorded',
      evidence: check.evidence ?? {},
      durationMs: check.durationMs,
    },
  };
}

/** Pure: the assessment as stored, scored by the same engine (and thresholds) that decided its verdict. */
export function buildReportDocument(view: AssessmentView, specs: ReadonlyMap<string, unknown>): ReportDocument {
  const report = buildReport(
    { service: view.service, environment: view.environment },
    view.checks.map((check) => reportInput(check, specs.get(check.checkId))),
    view.thresholds,
  );
  return {
    ...report,
    assessment: {
      id: view.id,
      status: view.status,
      requestedBy: view.requestedBy,
      requestedAt: view.createdAt.toISOString(),
      completedAt: view.completedAt?.toISOString() ?? null,
    },
  };
}

export const reportJson = (document: ReportDocument) => `${JSON.stringify(document, null, 2)}\n`;

/** `readiness-checkout-production-1a2b3c4d`: service and environment are slugs, so the name is file-safe. */
export const reportFileStem = (document: ReportDocument) => `readiness-${document.service}-${document.env}-${document.assessment.id.slice(0, 8)}`;
