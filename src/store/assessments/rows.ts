import type { Prisma } from '../../generated/prisma/client.ts';
import type { AssessmentView, CheckResultView } from '../../assessments/assessment.types.ts';
import { ManualCheckSpec } from '../../checks/specs/manual.ts';

/** An assessment is always read with its checks, in check id order. */
export const withChecks = { checks: { orderBy: { checkId: 'asc' } } } satisfies Prisma.AssessmentInclude;
type AssessmentRow = Prisma.AssessmentGetPayload<{ include: typeof withChecks }>;

/** The columns of a check row that a view is made of. */
export type CheckRow = Pick<
  AssessmentRow['checks'][number],
  'checkId' | 'name' | 'type' | 'category' | 'severity' | 'status' | 'message' | 'durationMs'
> & {
  spec: unknown;
  evidence: unknown;
};

export function toView(row: Omit<AssessmentRow, 'checks'> & { checks: readonly CheckRow[] }): AssessmentView {
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

export function toCheckView(check: CheckRow): CheckResultView {
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
