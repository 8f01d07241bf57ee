import { describe, expect, it } from 'vitest';
import type { AssessmentView } from '../../../src/assessments/assessment.types.ts';
import { renderAssessmentMessage } from '../../../src/slack/views/assessment-message.ts';
import { checkResult } from '../../support/fixtures/check-result.ts';

describe('renderAssessmentMessage redacts what it shows', () => {
  it('a stored message from before redaction (credentials in a URL) is shown without them', () => {
    const checks = [
      checkResult('db', 'FAIL', { name: 'Database', message: 'cannot connect to postgresql://app:hunter22@db/app?sslpassword=x1y2z3' }),
    ];
    const view: AssessmentView = {
      id: '3f2c9a7e-1b4d-4c5e-9f60-123456789abc',
      service: 'checkout',
      environment: 'production',
      thresholds: { go: 95, caution: 80 },
      status: 'RUNNING',
      requestedBy: 'U0123ABCD',
      channelId: 'C0123ABCD',
      messageTs: '1741082400.000100',
      score: null,
      verdict: null,
      failureReason: null,
      createdAt: new Date('2025-03-04T10:00:00.000Z'),
      completedAt: null,
      checks,
    };
    const shown = JSON.stringify(renderAssessmentMessage(view));
    expect(shown).toContain('postgresql://app:***@db/app?sslpassword=***');
    expect(shown).not.toContain('hunter22');
    expect(shown).not.toContain('x1y2z3');
  });
});
