import type { Severity } from '../config/readiness-config.schema.ts';

export type CheckStatus = 'PENDING' | 'PASS' | 'WARN' | 'FAIL' | 'ERROR' | 'SKIPPED';
export type Verdict = 'GO' | 'GO_WITH_CAUTION' | 'NO_GO';
export type Risk = 'low' | 'medium' | 'high' | 'critical';

export interface ScoredCheck {
  checkId: string;
  name: string;
  category: string;
  severity: Severity;
  weight?: number | undefined;
  status: CheckStatus;
  message?: string | null | undefined;
}

export interface VerdictThresholds {
  /** @defaultValue 95 */
  go: number;
  /** @defaultValue 80 */
  caution: number;
}
export const DEFAULT_THRESHOLDS: VerdictThresholds = { go: 95, caution: 80 };

export interface Blocker {
  checkId: string;
  reason: string;
}

export interface ReadinessResult {
  /** 0–100, unrounded: the verdict compares this value, never a rounded one. */
  score: number;
  verdict: Verdict;
  risk: Risk;
  categories: { name: string; score: number }[];
  blockers: Blocker[];
}

export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 8, high: 4, medium: 2, low: 1 };
const CREDIT: Record<CheckStatus, number> = { PASS: 1, WARN: 0.5, FAIL: 0, ERROR: 0, PENDING: 0, SKIPPED: 0 };

const weightOf = (check: ScoredCheck) => check.weight ?? SEVERITY_WEIGHT[check.severity];

/** Skipped checks leave the denominator; with nothing left to weigh the score is 0. */
function weightedScore(checks: readonly ScoredCheck[]): number {
  const counted = checks.filter((check) => check.status !== 'SKIPPED');
  const total = counted.reduce((sum, check) => sum + weightOf(check), 0);
  if (total === 0) return 0;
  return (100 * counted.reduce((sum, check) => sum + weightOf(check) * CREDIT[check.status], 0)) / total;
}

const blocksWhenCritical = (status: CheckStatus) => status !== 'PASS' && status !== 'WARN' && status !== 'SKIPPED';

function describeBlock(check: ScoredCheck): string {
  const pendingWhat = check.message ? 'is pending' : 'has not been evaluated';
  const what = check.status === 'PENDING' ? pendingWhat : `is ${check.status}`;
  return `critical check "${check.name}" ${what}${check.message ? `: ${check.message}` : ''}`;
}

export function scoreAssessment(checks: readonly ScoredCheck[], thresholds: VerdictThresholds = DEFAULT_THRESHOLDS): ReadinessResult {
  const score = weightedScore(checks);
  const blockers = checks
    .filter((check) => check.severity === 'critical' && blocksWhenCritical(check.status))
    .map((check) => ({ checkId: check.checkId, reason: describeBlock(check) }));
  const evaluated = checks.some((check) => check.status !== 'SKIPPED');
  if (!evaluated) blockers.push({ checkId: '*', reason: 'no check applies to this environment, so nothing was verified' });

  let verdict: Verdict;
  if (blockers.length > 0) verdict = 'NO_GO';
  else if (score >= thresholds.go) verdict = 'GO';
  else if (score >= thresholds.caution) verdict = 'GO_WITH_CAUTION';
  else verdict = 'NO_GO';

  const categoryNames = [...new Set(checks.map((check) => check.category))].sort();
  const categories = categoryNames.map((name) => ({
    name,
    score: weightedScore(checks.filter((check) => check.category === name)),
  }));

  return { score, verdict, risk: riskOf(verdict, blockers, checks), categories, blockers };
}

function riskOf(verdict: Verdict, blockers: readonly Blocker[], checks: readonly ScoredCheck[]): Risk {
  if (blockers.length > 0) return 'critical';
  if (verdict === 'NO_GO') return 'high';
  if (verdict === 'GO_WITH_CAUTION') return 'medium';
  return checks.every((check) => check.status === 'PASS' || check.status === 'SKIPPED') ? 'low' : 'medium';
}
