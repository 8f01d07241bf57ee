import { defaultRecommendation, type CheckSpec } from '../checks/registry.ts';
import type { CheckTarget } from '../checks/check.types.ts';
import type { TimedOutcome } from '../checks/check-runner.port.ts';
import { redactDeep, redactText } from '../secrets/redact.ts';
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

interface RecommendedCheck extends ReportedCheck {
  /** The configured remediation, else the check type's default advice. */
  advice: { text: string; configured: boolean } | undefined;
  weight?: number | undefined;
}

/**
 * What to do next, most weighty first: the check's own `remediation` where the config gives one (with what was
 * measured), else its type's default advice, which carries the numbers; else what it measured.
 */
export function recommend(checks: readonly RecommendedCheck[]): string[] {
  return checks
    .filter((check) => check.status !== 'PASS' && check.status !== 'SKIPPED')
    .sort((a, b) => (b.weight ?? SEVERITY_WEIGHT[b.severity]) - (a.weight ?? SEVERITY_WEIGHT[a.severity]))
    .map((check) => {
      const measured = check.message ?? `status ${check.status}`;
      if (check.advice === undefined) return `${check.name}: ${measured}`;
      return check.advice.configured ? `${check.name}: ${check.advice.text} (${measured})` : `${check.name}: ${check.advice.text}`;
    });
}

function adviceFor({ spec, outcome, partialSpec }: ReportInput, target: CheckTarget): RecommendedCheck['advice'] {
  if (spec.remediation !== undefined) return { text: spec.remediation, configured: true };
  if (outcome.status === 'PASS' || outcome.status === 'SKIPPED' || partialSpec === true) return undefined;
  const text = defaultRecommendation(spec, { status: outcome.status, message: outcome.message, evidence: outcome.evidence }, target);
  return text === undefined ? undefined : { text, configured: false };
}

/** A check and what became of it: measured, waiting for a person (PENDING) or not for this environment (SKIPPED). */
export interface ReportInput {
  spec: CheckSpec;
  outcome: Omit<TimedOutcome, 'status' | 'durationMs'> & { status: ScoredCheck['status']; durationMs: number | null };
  /**
   * Only the fields every check has are known (a stored definition that no longer parses), so the type's
   * default advice, which reads its own fields, is not given. @defaultValue false
   */
  partialSpec?: boolean | undefined;
}

function redactInput(input: ReportInput): ReportInput {
  const { message, evidence } = input.outcome;
  return {
    ...input,
    spec: redactDeep(input.spec),
    outcome: { ...input.outcome, message: redactText(message), evidence: redactDeep(evidence) },
  };
}

export function buildReport(
  target: { service: string; environment: string },
  results: readonly ReportInput[],
  thresholds?: VerdictThresholds,
): ReadinessReport {
  // Redacted here too, whatever the caller did: the report is printed, uploaded and posted (old rows, literal secrets in a CLI spec).
  const checks = results.map(redactInput).map(
    (input): RecommendedCheck => ({
      id: input.spec.id,
      name: input.spec.name,
      category: input.spec.category,
      severity: input.spec.severity,
      type: input.spec.type,
      status: input.outcome.status,
      durationMs: input.outcome.durationMs,
      message: input.outcome.message,
      evidence: input.outcome.evidence,
      advice: adviceFor(input, { service: target.service, environment: target.environment }),
      weight: input.spec.weight,
    }),
  );
  const result = scoreAssessment(
    checks.map((check) => ({ ...check, checkId: check.id })),
    thresholds,
  );
  return {
    service: target.service,
    env: target.environment,
    ...result,
    checks: checks.map(({ advice: _advice, weight: _weight, ...check }) => check),
    recommendations: recommend(checks).map(redactText),
  };
}
