import { describe, expect, it } from 'vitest';
import { AUDIT_PAGE_SIZE, pageCount } from '../../../src/status/audit-page.ts';
import type { AuditPage, AuditTrailEvent } from '../../../src/status/status.types.ts';
import { BLOCK_KIT_LIMITS, validateBlocks, validateMessageText } from '../../../src/slack/block-kit-limits.ts';
import { describeAuditAction } from '../../../src/slack/views/status-audit-actions.ts';
import { auditBeyondLastPage, auditLine, renderAuditPage } from '../../../src/slack/views/status-audit.ts';
import { fitLines } from '../../../src/slack/views/status-format.ts';

const AT = new Date('2026-11-22T10:00:05.123Z');
const ASSESSMENT = '1a2b3c4d-0000-4000-8000-000000000001';
const REQUEST = '5e5e5e5e-0000-4000-8000-000000000002';
const INCIDENT = '6f6f6f6f-0000-4000-8000-000000000003';
const EVIL = '<!channel> & <https://evil.example|click>';

function event(action: string, overrides: Partial<AuditTrailEvent> = {}): AuditTrailEvent {
  const subjectType = action.startsWith('signoff.') ? 'signoff_request' : action.startsWith('incident.') ? 'incident' : 'assessment';
  return {
    id: `${action}-id`,
    at: AT,
    actor: 'system',
    action,
    subjectType,
    subjectId: subjectType === 'signoff_request' ? REQUEST : subjectType === 'incident' ? INCIDENT : ASSESSMENT,
    reason: null,
    data: {},
    before: null,
    after: null,
    environment: subjectType === 'incident' ? null : 'production',
    assessmentId: subjectType === 'incident' ? null : ASSESSMENT,
    incidentNumber: subjectType === 'incident' ? 12 : null,
    checkName: null,
    ...overrides,
  };
}

describe('describeAuditAction', () => {
  it.each([
    [event('assessment.requested', { data: { checks: 3 } }), 'requested an assessment (3 checks)'],
    [event('assessment.completed', { data: { verdict: 'GO_WITH_CAUTION', score: 87.5 } }), 'assessment completed: GO WITH CAUTION (score 87.5)'],
    [event('assessment.failed'), 'assessment could not finish'],
    [event('assessment.rescored', { data: { from: 'NO_GO', to: 'GO', score: 96 } }), 're-scored the assessment: NO-GO → GO (score 96.0)'],
    [event('check.attested', { data: { checkId: 'runbook', role: 'sre' }, checkName: 'Runbook reviewed' }), 'attested Runbook reviewed as *sre*'],
    [event('check.attested', { data: { checkId: 'runbook' } }), 'attested runbook'],
    [event('report.posted'), 'posted the full report in the thread'],
    [
      event('signoff.requested', { data: { roles: ['tech-lead', 'security'], carried: 1 } }),
      'requested sign-off from tech-lead, security (1 carried over)',
    ],
    [event('signoff.carried', { data: { role: 'tech-lead', userId: 'U0LEAD' } }), "carried over <@U0LEAD>'s sign-off as *tech-lead*"],
    [event('signoff.approved', { data: { role: 'security', kind: 'APPROVE' } }), 'approved as *security*'],
    [event('signoff.approved', { data: { role: 'security', kind: 'APPROVE_WITH_CONDITIONS' } }), 'approved with conditions as *security*'],
    [event('signoff.rejected', { data: { role: 'security', kind: 'REJECT' } }), 'rejected as *security*'],
    [event('signoff.decided', { data: { decision: 'NO_GO' } }), 'recorded the decision: NO-GO'],
    [event('signoff.expired'), 'closed the sign-off request: it expired'],
    [event('signoff.stale'), 'marked the sign-off request stale: a newer assessment replaced it'],
    [event('signoff.overridden', { data: { previousStatus: 'REJECTED', previousDecision: 'NO_GO' } }), ':rotating_light: overrode to GO (was NO-GO)'],
    [
      event('signoff.overridden', { data: { previousStatus: 'PENDING', previousDecision: null } }),
      ':rotating_light: overrode to GO (was sign-off pending)',
    ],
    [
      event('signoff.overridden', {
        data: { signoffRequested: true, previousStatus: 'PENDING', previousDecision: null },
        before: { status: 'PENDING', verdict: 'GO_WITH_CAUTION' },
      }),
      ':rotating_light: overrode to GO (was GO WITH CAUTION, sign-off pending)',
    ],
    [
      event('signoff.overridden', {
        data: { signoffRequested: false, previousStatus: null, previousDecision: null },
        before: { status: null, verdict: 'NO_GO', decision: null },
      }),
      ':rotating_light: overrode to GO (was NO-GO; no sign-off had been requested)',
    ],
    [event('incident.opened', { data: { severity: 'SEV2', title: 'Checkout 500s' } }), 'opened the incident (SEV2): “Checkout 500s”'],
    [event('incident.paged', { data: { level: 0 } }), 'paged level 1'],
    [event('incident.severity_changed', { data: { from: 'SEV3', to: 'SEV1' } }), 'changed the severity SEV3 → SEV1'],
    [event('incident.escalated', { data: { to: { level: 1 } } }), 'escalated to level 2'],
    [event('incident.acknowledged'), 'acknowledged the incident'],
    [event('incident.resolved'), 'resolved the incident'],
    [event('deployment.started'), '`deployment.started`'],
  ])('%#: %s', (given, expected) => {
    expect(describeAuditAction(given)).toBe(expected);
  });

  it('reads data defensively: a missing or odd field never throws', () => {
    for (const action of [
      'assessment.completed',
      'signoff.requested',
      'signoff.approved',
      'incident.escalated',
      'incident.opened',
      'signoff.overridden',
    ]) {
      expect(() => describeAuditAction(event(action, { data: { roles: 'x', to: 3, verdict: 7, score: 'high' } }))).not.toThrow();
    }
    expect(describeAuditAction(event('assessment.completed', { data: { verdict: 'WEIRD_<b>' } }))).toBe('assessment completed: WEIRD &lt;b&gt;');
  });

  it('escapes names and titles from the data, and an unknown action', () => {
    const texts = [
      describeAuditAction(event('signoff.approved', { data: { role: EVIL } })),
      describeAuditAction(event('incident.opened', { data: { title: EVIL, severity: EVIL } })),
      describeAuditAction(event('check.attested', { checkName: EVIL })),
      describeAuditAction(event('signoff.requested', { data: { roles: [EVIL] } })),
      describeAuditAction(event(EVIL)),
    ];
    for (const text of texts) {
      expect(text).not.toContain('<!channel>');
      expect(text).toContain('&lt;!channel&gt;');
    }
    expect(describeAuditAction(event('toString'))).toBe('`toString`');
  });
});

describe('auditLine', () => {
  it('gives the time in UTC, the actor, the action, its subject and the reason', () => {
    const line = auditLine(event('signoff.rejected', { actor: 'U0SEC', data: { role: 'security' }, reason: `Open port\n${EVIL}` }), true);
    expect(line).toBe(
      '`2026-11-22 10:00:05 UTC` · *production* · <@U0SEC> rejected as *security* (sign-off of `1a2b3c4d`) — “Open port &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;”',
    );
  });

  it('names the bot "Readiness", an incident by number, and never mentions through a forged actor', () => {
    expect(auditLine(event('incident.resolved'), true)).toBe(
      '`2026-11-22 10:00:05 UTC` · _whole service_ · Readiness resolved the incident (INC-12)',
    );
    expect(auditLine(event('assessment.failed', { actor: '<!here>' }), false)).toContain(
      '&lt;!here&gt; assessment could not finish (assessment `1a2b3c4d`)',
    );
  });
});

function page(overrides: Partial<AuditPage> = {}): AuditPage {
  const events = [
    event('signoff.overridden', { actor: 'U0RM', reason: 'Hotfix for incident 42', data: { previousDecision: 'NO_GO' } }),
    event('signoff.decided', { data: { decision: 'NO_GO' }, reason: 'Open admin port' }),
    event('signoff.rejected', { actor: 'U0SEC', data: { role: 'security' }, reason: 'Open admin port' }),
    event('incident.opened', { actor: 'U0LEAD', data: { severity: 'SEV2', title: 'Checkout 500s' } }),
    event('check.attested', { actor: 'U0SRE', data: { checkId: 'runbook', role: 'sre' }, checkName: 'Runbook reviewed' }),
    event('assessment.completed', { data: { verdict: 'GO_WITH_CAUTION', score: 87.5 }, reason: 'docs: 404' }),
    event('assessment.requested', { actor: 'U0REQ', data: { checks: 4 } }),
  ];
  return { service: 'checkout', environment: null, page: 1, pages: 3, total: 47, events, ...overrides };
}

describe('renderAuditPage', () => {
  const valid = (message: { text: string; blocks: Record<string, unknown>[] }) => {
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    expect(validateMessageText(message.text, message.blocks)).toEqual([]);
  };

  it('renders a page of every environment', () => {
    const message = renderAuditPage(page());
    valid(message);
    expect(message).toMatchSnapshot();
  });

  it('says how to get the next page, or that this is the last', () => {
    expect(JSON.stringify(renderAuditPage(page()))).toContain('Page 1 of 3 — `/readiness audit checkout 2` for more.');
    expect(JSON.stringify(renderAuditPage(page({ environment: 'production', page: 2 })))).toContain(
      'Page 2 of 3 — `/readiness audit checkout production 3` for more.',
    );
    expect(JSON.stringify(renderAuditPage(page({ page: 3 })))).toContain('Page 3 of 3: the oldest events.');
    expect(JSON.stringify(renderAuditPage(page({ pages: 1, total: 7 })))).toContain('All 7 events, newest first.');
  });

  it('names each event’s environment only when showing every environment', () => {
    expect(JSON.stringify(renderAuditPage(page()))).toContain(' · *production* · ');
    expect(JSON.stringify(renderAuditPage(page({ environment: 'production' })))).not.toContain(' · *production* · ');
  });

  it('says when nothing is recorded yet, and how to start', () => {
    const message = renderAuditPage(page({ events: [], total: 0, pages: 1 }));
    valid(message);
    expect(message.text).toBe(
      'Nothing is recorded for *checkout* yet: no assessment, sign-off or incident. Start with `/readiness run checkout &lt;environment&gt;`.',
    );
  });

  it('stays inside Slack limits with a full page of the longest lines', () => {
    const events = Array.from({ length: AUDIT_PAGE_SIZE }, (_, index) =>
      event(index % 2 === 0 ? 'incident.opened' : 'signoff.requested', {
        actor: 'U0SOMEBODYWITHALONGID',
        reason: '&'.repeat(10_000),
        data: { title: '<'.repeat(10_000), roles: Array.from({ length: 100 }, () => '&&&&&&&&&&') },
      }),
    );
    const message = renderAuditPage(page({ events }));
    valid(message);
    expect(message.blocks.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.blocksPerMessage);
    const lines = message.blocks
      .flatMap((block) => ((block as { text?: { text: string } }).text?.text ?? '').split('\n'))
      .filter((line) => line.startsWith('`20'));
    expect(lines).toHaveLength(AUDIT_PAGE_SIZE);
  });
});

describe('auditBeyondLastPage', () => {
  it('says how many pages there are and which command shows the oldest', () => {
    expect(auditBeyondLastPage({ service: 'checkout', environment: 'production', page: 9, pages: 3, total: 47 })).toBe(
      'There is no page 9: the audit trail of *checkout → production* has 3 pages (47 events). `/readiness audit checkout production 3` shows the oldest.',
    );
    expect(auditBeyondLastPage({ service: 'checkout', environment: null, page: 2, pages: 1, total: 0 })).toContain(
      'Nothing is recorded for *checkout* yet',
    );
  });
});

describe('paging and line fitting', () => {
  it('counts pages, at least one', () => {
    expect([0, 1, 20, 21, 40, 41].map((total) => pageCount(total, 20))).toEqual([1, 1, 1, 2, 2, 3]);
  });

  it('keeps whole lines only, and says how many were left out', () => {
    const lines = ['a'.repeat(1000), `<@U0ONE> ${'b'.repeat(1500)}`, `<@U0TWO> ${'c'.repeat(1500)}`];
    const fitted = fitLines(lines, 3000);
    expect(fitted.length).toBeLessThanOrEqual(3000);
    expect(fitted.split('\n')).toEqual([lines[0], lines[1], '…and 1 more line']);
  });
});
