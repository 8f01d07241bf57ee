import { describe, expect, it } from 'vitest';
import { describeStateChange } from '../../../src/slack/views/audit-change.ts';
import { auditLine } from '../../../src/slack/views/status-audit.ts';

describe('describeStateChange', () => {
  it('names only the fields that changed, from what the action found to what it left', () => {
    expect(describeStateChange({ status: 'OPEN', acknowledgedBy: null }, { status: 'ACKNOWLEDGED', acknowledgedBy: 'U0ONCALL' })).toBe(
      'status OPEN → ACKNOWLEDGED, acknowledgedBy – → U0ONCALL',
    );
    expect(describeStateChange({ severity: 'SEV1', level: 2 }, { severity: 'SEV1', level: 3 })).toBe('level 2 → 3');
  });

  it('says "–" for what did not exist, and words verdicts and decisions as people say them', () => {
    expect(describeStateChange({ status: null, verdict: 'NO_GO', decision: null }, { status: 'OVERRIDDEN', verdict: 'NO_GO', decision: 'GO' })).toBe(
      'status – → OVERRIDDEN, decision – → GO',
    );
    expect(describeStateChange(null, { status: 'PENDING' })).toBe('status – → PENDING');
    expect(describeStateChange({ verdict: 'GO_WITH_CAUTION' }, { verdict: 'NO_GO' })).toBe('verdict GO WITH CAUTION → NO-GO');
  });

  it('says nothing for events recorded before before/after were kept, and "no change" when nothing changed', () => {
    expect(describeStateChange(null, null)).toBeUndefined();
    expect(describeStateChange({ status: 'ACKNOWLEDGED' }, { status: 'ACKNOWLEDGED' })).toBe('no change');
  });

  it('escapes and bounds values from the database', () => {
    const text = describeStateChange({ role: '<!channel>' }, { role: `<https://evil.example|x>${'&'.repeat(500)}`, a: 1, b: 2, c: 3, d: 4 });
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('(+1 more)');
    expect((text ?? '').length).toBeLessThan(400);
  });
});

describe('auditLine with before and after', () => {
  it('shows the change between the subject and the reason', () => {
    const line = auditLine(
      {
        id: 'e1',
        at: new Date('2026-12-03T09:00:00Z'),
        actor: 'U0LEAD',
        action: 'incident.severity_changed',
        subjectType: 'incident',
        subjectId: 'i1',
        reason: 'only the <!here> admin page is affected',
        data: { from: 'SEV1', to: 'SEV3' },
        before: { severity: 'SEV1' },
        after: { severity: 'SEV3' },
        environment: null,
        assessmentId: null,
        incidentNumber: 7,
        checkName: null,
      },
      false,
    );
    expect(line).toBe(
      '`2026-12-03 09:00:00 UTC` · <@U0LEAD> changed the severity SEV1 → SEV3 (INC-7) · severity SEV1 → SEV3 — “only the &lt;!here&gt; admin page is affected”',
    );
  });
});
