import { describe, expect, it } from 'vitest';
import type { AssessmentView, CheckResultView } from '../../../src/assessments/assessment.types.ts';
import { detectCriticalRegression, regressionIncident } from '../../../src/incidents/check-regression.ts';

const check = (checkId: string, status: CheckResultView['status'], overrides: Partial<CheckResultView> = {}): CheckResultView => ({
  checkId,
  name: `Check ${checkId}`,
  type: 'http',
  category: 'infrastructure',
  severity: 'critical',
  status,
  message: status === 'FAIL' ? 'answered 503, expected 200' : null,
  evidence: null,
  durationMs: 12,
  ...overrides,
});

const assessment = (checks: CheckResultView[], overrides: Partial<AssessmentView> = {}): AssessmentView => ({
  id: '3f2c9a7e-1b4d-4c5e-9f60-123456789abc',
  service: 'checkout',
  environment: 'production',
  status: 'COMPLETED',
  requestedBy: 'U0DEPLOYER',
  channelId: 'C0DEPLOYS',
  messageTs: '1741082400.000100',
  score: 40,
  verdict: 'NO_GO',
  thresholds: { go: 95, caution: 80 },
  failureReason: null,
  createdAt: new Date('2025-03-04T10:00:00Z'),
  completedAt: new Date('2025-03-04T10:00:05Z'),
  checks,
  ...overrides,
});

const previous = (verdict: string, statuses: Record<string, string>) => ({
  id: 'prev',
  verdict,
  checks: Object.entries(statuses).map(([checkId, status]) => ({ checkId, status })),
});

describe('detectCriticalRegression', () => {
  it('finds critical checks that failed now and held in the previous GO assessment', () => {
    const current = assessment([check('health', 'FAIL'), check('db', 'ERROR'), check('docs', 'FAIL', { severity: 'low' }), check('tls', 'PASS')]);
    const regressed = detectCriticalRegression(previous('GO', { health: 'PASS', db: 'WARN', docs: 'PASS', tls: 'PASS' }), current);
    expect(regressed.map((c) => c.checkId)).toEqual(['health', 'db']);
  });

  it.each([
    ['no previous assessment', undefined],
    ['a previous NO-GO', previous('NO_GO', { health: 'PASS' })],
    ['a previous GO WITH CAUTION', previous('GO_WITH_CAUTION', { health: 'PASS' })],
    ['a check that is new since', previous('GO', { other: 'PASS' })],
  ])('is nothing after %s', (_, before) => {
    expect(detectCriticalRegression(before, assessment([check('health', 'FAIL')]))).toEqual([]);
  });

  it('ignores an assessment that did not complete', () => {
    expect(detectCriticalRegression(previous('GO', { health: 'PASS' }), assessment([check('health', 'FAIL')], { status: 'FAILED' }))).toEqual([]);
  });
});

describe('regressionIncident', () => {
  it('opens in the assessment thread, with the failing checks as evidence, keyed to the assessment', () => {
    const current = assessment([check('health', 'FAIL'), check('latency', 'FAIL', { category: 'performance' })]);
    const input = regressionIncident(current, current.checks, 'SEV2');
    expect(input).toMatchObject({
      service: 'checkout',
      environment: 'production',
      cause: 'critical-check-regression',
      severity: 'SEV2',
      kind: 'slow-responses',
      thread: { channel: 'C0DEPLOYS', ts: '1741082400.000100' },
      stakeholders: ['U0DEPLOYER'],
      occurrenceKey: `assessment_${current.id}`,
    });
    expect(input.evidence).toMatchObject({ health: 'FAIL: answered 503, expected 200', assessment: current.id });
    expect(input.summary).toContain('2 critical checks fail on checkout in production');
  });
});
