import { describe, expect, it } from 'vitest';
import { buildReportDocument, reportFileStem, reportJson } from '../../../src/reports/report-document.ts';
import { ASSESSMENT_ID, check, completedView, EXAMPLE_CHECKS, specsOf } from './fixtures.ts';

// The keys `readiness assess --json` prints (src/cli/cli.ts prints buildReport's result as it is).
const CLI_KEYS = ['service', 'env', 'score', 'verdict', 'risk', 'categories', 'blockers', 'checks', 'recommendations'];
const CLI_CHECK_KEYS = ['id', 'name', 'category', 'severity', 'type', 'status', 'durationMs', 'message', 'evidence'];

describe('buildReportDocument', () => {
  const view = completedView(EXAMPLE_CHECKS);
  const document = buildReportDocument(view, specsOf(EXAMPLE_CHECKS, { health: 'Roll back the last deploy' }));

  it('has the shape of `readiness assess --json`, plus which assessment, who asked and when', () => {
    expect(Object.keys(document).sort()).toEqual([...CLI_KEYS, 'assessment'].sort());
    for (const reported of document.checks) expect(Object.keys(reported).sort()).toEqual([...CLI_CHECK_KEYS].sort());
    expect(document.assessment).toEqual({
      id: ASSESSMENT_ID,
      status: 'COMPLETED',
      requestedBy: 'U0123ABCD',
      requestedAt: '2025-03-04T10:00:00.000Z',
      completedAt: '2025-03-04T10:00:12.000Z',
    });
  });

  it('gives the verdict and score the assessment was decided with', () => {
    expect(document).toMatchObject({ service: 'checkout', env: 'production', verdict: view.verdict, score: view.score, risk: 'critical' });
    expect(document.blockers).toEqual([
      { checkId: 'health', reason: 'critical check "Health endpoint answers" is FAIL: expected HTTP 200, got 503' },
    ]);
  });

  it('keeps every check with its message and evidence', () => {
    expect(document.checks.map((reported) => [reported.id, reported.status, reported.message, reported.evidence])).toEqual(
      EXAMPLE_CHECKS.map((c) => [c.checkId, c.status, c.message, c.evidence]),
    );
  });

  it('recommends the configured remediation first, most weighty check first', () => {
    expect(document.recommendations).toEqual([
      'Health endpoint answers: Roll back the last deploy (expected HTTP 200, got 503)',
      'Search API is fast: took 412 ms, budget is 250 ms',
    ]);
  });

  it("without a remediation, gives the check type's default advice with the measured numbers", () => {
    const plain = buildReportDocument(view, specsOf(EXAMPLE_CHECKS));
    expect(plain.recommendations[0]).toBe('Health endpoint answers: Make https://example.test/health answer 200 (it answered 503)');
  });

  it("uses the assessment's own thresholds, not the defaults", () => {
    const checks = [check('a', 'PASS', { weight: 9 }), check('b', 'FAIL', { weight: 1 })];
    const strict = buildReportDocument(completedView(checks, { thresholds: { go: 95, caution: 91 } }), specsOf(checks));
    expect(strict.verdict).toBe('NO_GO');
    expect(buildReportDocument(completedView(checks), specsOf(checks)).verdict).toBe('GO_WITH_CAUTION');
  });

  it('still reports a check whose stored spec no longer parses, from its own columns', () => {
    const checks = [check('legacy', 'FAIL', { type: 'ftp', severity: 'critical' })];
    const legacy = buildReportDocument(completedView(checks), new Map([['legacy', { type: 'ftp', remediation: 'Retire it' }]]));
    expect(legacy.checks[0]).toMatchObject({ id: 'legacy', type: 'ftp', severity: 'critical', status: 'FAIL' });
    expect(legacy.recommendations).toEqual(['Check legacy: Retire it (legacy said FAIL)']);
  });

  it('serialises as indented JSON that parses back to the same document, named after service, environment and id', () => {
    expect(JSON.parse(reportJson(document))).toEqual(JSON.parse(JSON.stringify(document)));
    expect(reportJson(document)).toMatch(/^\{\n {2}"service": "checkout",/);
    expect(reportFileStem(document)).toBe('readiness-checkout-production-3f2c9a7e');
  });
});
