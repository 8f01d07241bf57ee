import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, SEVERITY_WEIGHT, scoreAssessment, type CheckStatus, type ScoredCheck } from '../../../src/readiness/score.ts';

let counter = 0;
function check(status: CheckStatus, overrides: Partial<ScoredCheck> = {}): ScoredCheck {
  counter += 1;
  return {
    checkId: `check-${counter}`,
    name: `Check ${counter}`,
    category: 'infrastructure',
    severity: 'low',
    status,
    ...overrides,
  };
}

describe('scoreAssessment: credit per status', () => {
  it('gives full credit to PASS, half to WARN and none to FAIL, ERROR and PENDING', () => {
    expect(scoreAssessment([check('PASS')]).score).toBe(100);
    expect(scoreAssessment([check('WARN')]).score).toBe(50);
    expect(scoreAssessment([check('FAIL')]).score).toBe(0);
    expect(scoreAssessment([check('ERROR')]).score).toBe(0);
    expect(scoreAssessment([check('PENDING')]).score).toBe(0);
  });

  it('averages equally weighted checks', () => {
    // (1 + 0.5 + 0 + 0) / 4
    const result = scoreAssessment([check('PASS'), check('WARN'), check('FAIL'), check('ERROR')]);
    expect(result.score).toBe(37.5);
  });

  it('leaves SKIPPED checks out of the denominator instead of counting them as failures', () => {
    const result = scoreAssessment([check('PASS'), check('SKIPPED'), check('SKIPPED')]);
    expect(result.score).toBe(100);
    expect(result.verdict).toBe('GO');
  });

  it('leaves SKIPPED checks out even when they are heavy', () => {
    const result = scoreAssessment([check('PASS'), check('WARN'), check('SKIPPED', { weight: 1000 })]);
    expect(result.score).toBe(75);
  });
});

describe('scoreAssessment: weights', () => {
  it('weighs severities critical 8, high 4, medium 2, low 1', () => {
    expect(SEVERITY_WEIGHT).toEqual({ critical: 8, high: 4, medium: 2, low: 1 });
    // A failing check of each severity next to one passing low check: score = 100 * 1 / (1 + weight).
    expect(scoreAssessment([check('PASS'), check('FAIL', { severity: 'high' })]).score).toBeCloseTo(100 / 5, 10);
    expect(scoreAssessment([check('PASS'), check('FAIL', { severity: 'medium' })]).score).toBeCloseTo(100 / 3, 10);
    expect(scoreAssessment([check('PASS'), check('FAIL', { severity: 'low' })]).score).toBe(50);
    // critical: a passing critical next to a failing low one gives 8 / 9.
    expect(scoreAssessment([check('PASS', { severity: 'critical' }), check('FAIL')]).score).toBeCloseTo(800 / 9, 10);
  });

  it('lets an explicit weight override the severity weight', () => {
    const heavyLow = check('FAIL', { severity: 'low', weight: 3 });
    expect(scoreAssessment([check('PASS'), heavyLow]).score).toBe(25);
    const lightHigh = check('FAIL', { severity: 'high', weight: 1 });
    expect(scoreAssessment([check('PASS'), lightHigh]).score).toBe(50);
  });

  it('still treats a critical check with a small weight override as a blocker', () => {
    const result = scoreAssessment([
      ...Array.from({ length: 99 }, () => check('PASS')),
      check('FAIL', { severity: 'critical', weight: 0.01, name: 'Database reachable' }),
    ]);
    expect(result.score).toBeGreaterThan(99);
    expect(result.verdict).toBe('NO_GO');
    expect(result.blockers).toHaveLength(1);
  });
});

describe('scoreAssessment: categories', () => {
  it('scores each category on its own checks, sorted by name', () => {
    const result = scoreAssessment([
      check('PASS', { category: 'security' }),
      check('FAIL', { category: 'performance', severity: 'high' }),
      check('PASS', { category: 'performance', severity: 'low' }),
      check('WARN', { category: 'documentation' }),
    ]);
    expect(result.categories.map((category) => category.name)).toEqual(['documentation', 'performance', 'security']);
    expect(result.categories).toEqual([
      { name: 'documentation', score: 50 },
      { name: 'performance', score: 20 },
      { name: 'security', score: 100 },
    ]);
  });

  it('ignores skipped checks within a category', () => {
    const result = scoreAssessment([check('PASS', { category: 'security' }), check('SKIPPED', { category: 'security' })]);
    expect(result.categories).toEqual([{ name: 'security', score: 100 }]);
  });
});

describe('scoreAssessment: verdict', () => {
  it('is GO at a score of exactly 95', () => {
    // 19 passing low checks and one failing: 95.
    const result = scoreAssessment([...Array.from({ length: 19 }, () => check('PASS')), check('FAIL')]);
    expect(result.score).toBe(95);
    expect(result.verdict).toBe('GO');
  });

  it('is GO WITH CAUTION just under 95, comparing the unrounded score (94.997 would display as 95.0)', () => {
    const result = scoreAssessment([check('PASS', { weight: 1899 }), check('FAIL', { weight: 100 })]);
    expect(result.score).toBeLessThan(95);
    expect(result.score).toBeGreaterThan(94.99);
    expect(Math.round(result.score)).toBe(95);
    expect(result.verdict).not.toBe('GO');
    expect(result.verdict).toBe('GO_WITH_CAUTION');
  });

  it('is not GO at 94.97', () => {
    const result = scoreAssessment([check('PASS', { weight: 94.97 }), check('FAIL', { weight: 5.03 })]);
    expect(result.score).toBeCloseTo(94.97, 6);
    expect(result.verdict).toBe('GO_WITH_CAUTION');
  });

  it('is GO WITH CAUTION at exactly 80 and NO-GO just under it', () => {
    const at80 = scoreAssessment([check('PASS', { weight: 4 }), check('FAIL', { weight: 1 })]);
    expect(at80.score).toBe(80);
    expect(at80.verdict).toBe('GO_WITH_CAUTION');
    expect(at80.blockers).toEqual([]);

    const under80 = scoreAssessment([check('PASS', { weight: 7999 }), check('FAIL', { weight: 2001 })]);
    expect(under80.score).toBeLessThan(80);
    expect(under80.verdict).toBe('NO_GO');
    expect(under80.blockers).toEqual([]);
  });

  it.each(['FAIL', 'ERROR', 'PENDING'] as const)(
    'is NO-GO with a blocker naming the check when a critical check is %s, whatever the score',
    (status) => {
      const critical = check(status, { severity: 'critical', name: 'Payments provider reachable', checkId: 'psp' });
      const result = scoreAssessment([...Array.from({ length: 200 }, () => check('PASS', { severity: 'high' })), critical]);
      expect(result.score).toBeGreaterThan(95);
      expect(result.verdict).toBe('NO_GO');
      expect(result.blockers).toHaveLength(1);
      expect(result.blockers[0]?.checkId).toBe('psp');
      expect(result.blockers[0]?.reason).toContain('Payments provider reachable');
    },
  );

  it('says a PENDING critical check has not been evaluated, and quotes a failing check message', () => {
    const pending = scoreAssessment([check('PENDING', { severity: 'critical', name: 'Health' })]);
    expect(pending.blockers[0]?.reason).toBe('critical check "Health" has not been evaluated');
    const failed = scoreAssessment([check('FAIL', { severity: 'critical', name: 'Health', message: 'expected HTTP 200, got 503' })]);
    expect(failed.blockers[0]?.reason).toBe('critical check "Health" is FAIL: expected HTTP 200, got 503');
  });

  it.each(['PASS', 'WARN', 'SKIPPED'] as const)('does not block on a critical check that is %s', (status) => {
    const result = scoreAssessment([check('PASS'), check(status, { severity: 'critical' })]);
    expect(result.blockers).toEqual([]);
  });

  it('does not block on a failing non-critical check even if it is heavy', () => {
    const result = scoreAssessment([check('PASS'), check('FAIL', { severity: 'high', weight: 100 })]);
    expect(result.blockers).toEqual([]);
    expect(result.verdict).toBe('NO_GO');
    expect(result.risk).toBe('high');
  });

  it('lists one blocker per failing critical check', () => {
    const result = scoreAssessment([
      check('FAIL', { severity: 'critical', checkId: 'a', name: 'A' }),
      check('PASS', { severity: 'critical' }),
      check('ERROR', { severity: 'critical', checkId: 'b', name: 'B' }),
    ]);
    expect(result.blockers.map((blocker) => blocker.checkId)).toEqual(['a', 'b']);
  });

  it('is NO-GO with a blocker when every check was skipped, because nothing was verified', () => {
    const result = scoreAssessment([check('SKIPPED'), check('SKIPPED', { severity: 'critical' })]);
    expect(result.score).toBe(0);
    expect(result.verdict).toBe('NO_GO');
    expect(result.risk).toBe('critical');
    expect(result.blockers).toHaveLength(1);
    expect(result.blockers[0]?.reason).toMatch(/nothing was verified/);
  });

  it('is NO-GO with a blocker when there are no checks at all', () => {
    const result = scoreAssessment([]);
    expect(result.verdict).toBe('NO_GO');
    expect(result.blockers).toHaveLength(1);
  });
});

describe('scoreAssessment: thresholds', () => {
  it('defaults to GO at 95 and caution at 80', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({ go: 95, caution: 80 });
  });

  it('uses custom thresholds', () => {
    // score 85
    const checks = [check('PASS', { weight: 85 }), check('FAIL', { weight: 15 })];
    expect(scoreAssessment(checks).verdict).toBe('GO_WITH_CAUTION');
    expect(scoreAssessment(checks, { go: 85, caution: 50 }).verdict).toBe('GO');
    expect(scoreAssessment(checks, { go: 99, caution: 90 }).verdict).toBe('NO_GO');
  });

  it('does not let lenient thresholds override a critical blocker', () => {
    const result = scoreAssessment([check('PASS'), check('FAIL', { severity: 'critical' })], { go: 0, caution: 0 });
    expect(result.verdict).toBe('NO_GO');
  });
});

describe('scoreAssessment: risk', () => {
  it('is low when GO and everything passed or was skipped', () => {
    expect(scoreAssessment([check('PASS'), check('SKIPPED')]).risk).toBe('low');
  });

  it('is medium when GO but something warned or failed', () => {
    const result = scoreAssessment([...Array.from({ length: 99 }, () => check('PASS')), check('WARN')]);
    expect(result.verdict).toBe('GO');
    expect(result.risk).toBe('medium');
  });

  it('is medium for GO WITH CAUTION', () => {
    const result = scoreAssessment([check('PASS', { weight: 9 }), check('FAIL', { weight: 1 })]);
    expect(result.verdict).toBe('GO_WITH_CAUTION');
    expect(result.risk).toBe('medium');
  });

  it('is high for a NO-GO on score alone', () => {
    const result = scoreAssessment([check('PASS'), check('FAIL')]);
    expect(result.verdict).toBe('NO_GO');
    expect(result.risk).toBe('high');
  });

  it('is critical when there is a blocker', () => {
    expect(scoreAssessment([check('FAIL', { severity: 'critical' })]).risk).toBe('critical');
  });
});
