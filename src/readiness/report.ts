import type { CheckSpec } from '../checks/registry.ts';
import type { TimedOutcome } from '../checks/run-check.ts';
import { scoreAssessment, SEVERITY_WEIGHT, type ReadinessResult, type ScoredCheck, type VerdictThresholds } from './score.ts';

export interface ReportedCheck {
  id: string;
  name: string;
  category: string;
  severity: CheckSpec['severity'];
  type: string;
  status: ScoredCheck['status'];
  durationMs: number | null;
  message: string | null;
  evidence: Record<string, unknown> | null;
}

/** The machine-readable verdict: what `readiness assess --json` prints and what a pipeline gates on. */
export interface ReadinessReport extends Omit<ReadinessResult, 'categories'> {
  service: string;
  env: string;
  categories: { name: string; score: number }[];
  checks: ReportedCheck[];
  recommendations: string[];
}

/**
 * What to do next, most weighty first: the check's own remediation where the config gives one, otherwise
 * what it measured (the message carries the value and the threshold).
 */
export function recommend(checks: readonly (ReportedCheck & { remediation?: string | undefined; weight?: number | undefined })[]): string[] {
  return checks
    .filter((check) => check.status !== 'PASS' && check.status !== 'SKIPPED')
    .sort((a, b) => (b.weight ?? SEVERITY_WEIGHT[b.severity]) - (a.weight ?? SEVERITY_WEIGHT[a.severity]))
    .map((check) => {
      const measured = check.message ?? `status ${check.status}`;
      return check.remediation ? `${check.name}: ${check.remediation} (${measured})` : `${check.name}: ${measured}`;
    });
}

/** A check and what became of it: measured, waiting for a person (PENDING) or not for this environment (SKIPPED). */
export interface ReportInput {
  spec: CheckSpec;
  outcome: Omit<TimedOutcome, 'status' | 'durationMs'> & { status: ScoredCheck['status']; durationMs: number | null };
}

export function buildReport(
  target: { service: string; environment: string },
  results: readonly ReportInput[],
  thresholds?: VerdictThresholds,
): ReadinessReport {
  const checks = results.map(({ spec, outcome }) => ({
    id: spec.id,
    name: spec.name,
    category: spec.category,
    severity: spec.severity,
    type: spec.type,
    status: outcome.status,
    durationMs: outcome.durationMs,
    message: outcome.message,
    evidence: outcome.evidence,
    remediation: spec.remediation,
    weight: spec.weight,
  }));
  const result = scoreAssessment(
    checks.map((check) => ({ ...check, checkId: check.id })),
    thresholds,
  );
  return {
    service: target.service,
    env: target.environment,
    ...result,
    checks: checks.map(({ remediation: _remediation, weight: _weight, ...check }) => check),
    recommendations: recommend(checks),
  };
}
