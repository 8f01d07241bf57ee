import type { AssessmentView, CheckResultView } from '../../../src/assessments/assessment.types.ts';
import { scoreAssessment, type CheckStatus } from '../../../src/readiness/score.ts';
import { checkResult } from '../../support/fixtures/check-result.ts';

export const ASSESSMENT_ID = '3f2c9a7e-1b4d-4c5e-9f60-123456789abc';

/** A check result with the message and evidence a report shows. */
export const check = (checkId: string, status: CheckStatus, overrides: Partial<CheckResultView> = {}): CheckResultView =>
  checkResult(checkId, status, { message: `${checkId} said ${status}`, evidence: { url: `https://example.test/${checkId}` }, ...overrides });

/** A completed view whose score and verdict are what the scorer says about its checks, as finishAssessment stores them. */
export function completedView(checks: CheckResultView[], overrides: Partial<AssessmentView> = {}): AssessmentView {
  const { score, verdict } = scoreAssessment(checks);
  return {
    id: ASSESSMENT_ID,
    service: 'checkout',
    environment: 'production',
    status: 'COMPLETED',
    requestedBy: 'U0123ABCD',
    channelId: 'C0123ABCD',
    messageTs: '1741082400.000100',
    score,
    verdict,
    thresholds: { go: 95, caution: 80 },
    failureReason: null,
    createdAt: new Date('2025-03-04T10:00:00.000Z'),
    completedAt: new Date('2025-03-04T10:00:12.000Z'),
    checks,
    ...overrides,
  };
}

/** The stored spec of each check: what readiness.yaml said when the assessment started. */
export function specsOf(checks: CheckResultView[], remediation: Record<string, string> = {}): Map<string, unknown> {
  return new Map(
    checks.map((c) => [
      c.checkId,
      {
        id: c.checkId,
        name: c.name,
        type: 'http',
        url: `https://example.test/${c.checkId}`,
        category: c.category,
        severity: c.severity,
        timeoutMs: 5000,
        method: 'GET',
        expectStatus: 200,
        followRedirects: true,
        ...(c.weight !== undefined ? { weight: c.weight } : {}),
        ...(remediation[c.checkId] ? { remediation: remediation[c.checkId] } : {}),
      },
    ]),
  );
}

export const EXAMPLE_CHECKS = [
  check('health', 'FAIL', {
    name: 'Health endpoint answers',
    severity: 'critical',
    message: 'expected HTTP 200, got 503',
    evidence: { status: 503, url: 'https://checkout.example/healthz' },
  }),
  check('orders', 'PASS', { name: 'Orders API is fast', category: 'performance', message: 'p95 120 ms' }),
  check('search', 'WARN', {
    name: 'Search API is fast',
    category: 'performance',
    severity: 'medium',
    message: 'took 412 ms, budget is 250 ms',
    evidence: { latencyMs: 412, budgetMs: 250 },
  }),
  check('docs', 'SKIPPED', { name: 'API docs are published', severity: 'low', message: 'not in production', evidence: {} }),
];
