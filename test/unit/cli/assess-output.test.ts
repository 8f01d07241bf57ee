import { describe, expect, it } from 'vitest';
import { renderAssessOutput } from '../../../src/cli/assess-output.ts';
import type { ReadinessReport } from '../../../src/readiness/report.ts';

const report: ReadinessReport = {
  service: 'checkout',
  env: 'production',
  score: 93.33,
  verdict: 'GO_WITH_CAUTION',
  risk: 'medium',
  blockers: [],
  categories: [{ name: 'performance', score: 83.33 }],
  checks: [
    {
      id: 'search',
      name: 'Search <b>fast</b>',
      category: 'performance',
      severity: 'medium',
      type: 'http',
      status: 'WARN',
      durationMs: 373,
      message: 'slower than | 250 ms',
      evidence: { latencyMs: 373 },
    },
  ],
  recommendations: ['Search: profile it'],
} as ReadinessReport;

describe('renderAssessOutput', () => {
  it('markdown: the report document for a job summary, user text escaped, the sign-off standing under the verdict', () => {
    const markdown = renderAssessOutput(report, 'markdown', { ok: false, message: 'sign-off missing: <x> is still waiting for owner' });
    expect(markdown).toContain('# Readiness report: checkout → production');
    expect(markdown).toContain('**GO WITH CAUTION** · score 93.3 / 100 · risk medium');
    expect(markdown).toContain('- Sign-off: ❌ sign-off missing: \\<x\\> is still waiting for owner');
    expect(markdown).toContain('| WARN | Search \\<b\\>fast\\</b\\> (`search`) | medium | performance | http | 373 ms |');
    expect(markdown).not.toContain('Assessment: `');
  });

  it('json carries a signoff field only when asked for; text ends with the sign-off line', () => {
    expect(JSON.parse(renderAssessOutput(report, 'json', undefined))).not.toHaveProperty('signoff');
    expect(JSON.parse(renderAssessOutput(report, 'json', { ok: true, message: 'signed off' })).signoff).toEqual({ ok: true, message: 'signed off' });
    expect(renderAssessOutput(report, 'text', { ok: true, message: 'signed off: a1' })).toMatch(/\nSign-off: signed off: a1\n$/);
    expect(renderAssessOutput(report, 'text', undefined)).toMatch(/^Readiness of checkout in production: GO WITH CAUTION/);
  });
});
