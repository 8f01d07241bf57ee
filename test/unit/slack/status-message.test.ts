import { describe, expect, it } from 'vitest';
import type { SignoffRecord, SignoffRequestView } from '../../../src/approvals/signoff.types.ts';
import type { LatestAssessment, StatusSnapshot } from '../../../src/status/status.types.ts';
import { BLOCK_KIT_LIMITS, validateBlocks, validateMessageText } from '../../../src/slack/block-kit-limits.ts';
import { renderStatusAnswer } from '../../../src/slack/views/status-message.ts';
import { signoffRequest } from '../../support/fixtures/signoff-request.ts';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const AT = new Date('2026-11-22T10:00:00.000Z');
const EVIL = '<!channel> & <https://evil.example|click>';
const who = (role: string) => (role === 'security' ? '<!subteam^S0SEC>' : '<@U0LEAD>');

function assessment(overrides: Partial<LatestAssessment> = {}): LatestAssessment {
  return {
    id: '1a2b3c4d-0000-4000-8000-000000000001',
    status: 'COMPLETED',
    verdict: 'GO',
    score: 96.25,
    requestedBy: 'U0REQ',
    failureReason: null,
    createdAt: AT,
    completedAt: new Date(AT.getTime() + 30_000),
    checksDone: 5,
    checksTotal: 5,
    ...overrides,
  };
}

const signed = (
  role: string,
  userId: string,
  kind: SignoffRecord['kind'],
  note: string | null = null,
  carriedFromId: string | null = null,
): SignoffRecord => ({
  role,
  userId,
  kind,
  note,
  signedAt: new Date(AT.getTime() + 60_000),
  carriedFromId,
});

/** The shared pending request, made checkout's: the snapshots show its id, its service and what each role signs for. */
const request = (overrides: Partial<SignoffRequestView> = {}): SignoffRequestView =>
  signoffRequest({
    id: '5e5e5e5e-0000-4000-8000-000000000002',
    service: 'checkout',
    requirements: [
      { role: 'tech-lead', count: 1, covers: [], snapshotHash: 'a' },
      { role: 'security', count: 2, covers: ['security'], snapshotHash: 'b' },
    ],
    signoffs: [signed('tech-lead', 'U0LEAD', 'APPROVE', null, '77777777-0000-4000-8000-000000000003'), signed('security', 'U0SECONE', 'APPROVE')],
    ...overrides,
  });

function snapshot(overrides: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    service: 'checkout',
    environment: 'production',
    assessment: assessment(),
    request: request(),
    previous: undefined,
    policy: { eligibleVerdicts: ['GO', 'GO_WITH_CAUTION'], overrideRole: 'release-manager' },
    ...overrides,
  };
}

const render = (overrides: Partial<StatusSnapshot> = {}) => renderStatusAnswer(snapshot(overrides), who, NOW);
const shown = (message: { text: string; blocks: Record<string, unknown>[] }) => JSON.stringify(message);

function expectValid(message: { text: string; blocks: Record<string, unknown>[] }) {
  expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  expect(validateMessageText(message.text, message.blocks)).toEqual([]);
}

const STATES: [string, Partial<StatusSnapshot>][] = [
  ['never assessed', { assessment: undefined, request: undefined }],
  [
    'running, with the earlier sign-off still standing',
    {
      assessment: assessment({ status: 'RUNNING', verdict: null, score: null, completedAt: null, checksDone: 2 }),
      request: undefined,
      previous: request({ assessmentId: '99999999-0000-4000-8000-000000000009', status: 'APPROVED', decision: 'GO', decidedAt: AT }),
    },
  ],
  [
    'could not finish',
    { assessment: assessment({ status: 'FAILED', verdict: null, score: null, failureReason: 'redis down\nretry later' }), request: undefined },
  ],
  ['no sign-off needed', { request: undefined, policy: undefined }],
  ['sign-off not yet requested', { request: undefined }],
  ['NO-GO without a request', { assessment: assessment({ verdict: 'NO_GO', score: 41 }), request: undefined }],
  ['pending', {}],
  [
    'approved with conditions',
    {
      request: request({
        status: 'APPROVED',
        decision: 'GO_WITH_CAUTION',
        decidedAt: new Date(AT.getTime() + 120_000),
        signoffs: [
          signed('tech-lead', 'U0LEAD', 'APPROVE'),
          signed('security', 'U0SECONE', 'APPROVE_WITH_CONDITIONS', 'Only after the WAF rule ships'),
          signed('security', 'U0SECTWO', 'APPROVE'),
        ],
      }),
    },
  ],
  [
    'rejected',
    {
      request: request({
        status: 'REJECTED',
        decision: 'NO_GO',
        decisionReason: 'Open admin port',
        decidedAt: AT,
        signoffs: [signed('security', 'U0SECONE', 'REJECT', 'Open admin port')],
      }),
    },
  ],
  [
    'overridden',
    {
      request: request({
        status: 'OVERRIDDEN',
        decision: 'GO',
        override: true,
        overriddenBy: 'U0RM',
        decisionReason: 'Hotfix for incident 42',
        decidedAt: AT,
      }),
    },
  ],
  ['expired', { request: request({ status: 'EXPIRED', decidedAt: new Date(AT.getTime() + 24 * 3_600_000) }) }],
];

describe('renderStatusAnswer', () => {
  it.each(STATES)('%s', (_name, overrides) => {
    const message = render(overrides);
    expectValid(message);
    expect(message).toMatchSnapshot();
  });

  it('says how to start when the environment was never assessed', () => {
    expect(render({ assessment: undefined, request: undefined }).text).toBe(
      '*checkout → production* has not been assessed yet. Start with `/readiness run checkout production`.',
    );
  });

  it('shows who signed, carried-over marks, who is still missing and when the request expires', () => {
    const text = shown(render());
    expect(text).toContain('approved by <@U0LEAD> at 2026-11-22 10:01 UTC · _carried over from an earlier request');
    expect(text).toContain('*security* — 1 of 2 · signs for security');
    expect(text).toContain(':hourglass_flowing_sand: still missing 1: <!subteam^S0SEC>');
    expect(text).toContain('*Decision pending* — still to sign: *security* (1 more: <!subteam^S0SEC>)');
    expect(text).toContain('The request expires 2026-11-23 10:00 UTC (in 22h 0m).');
  });

  it('lists each condition with its role and signer for GO WITH CAUTION', () => {
    const text = shown(render(STATES[7]?.[1]));
    expect(text).toContain('*Decision: GO WITH CAUTION* — every required sign-off is in, with conditions:');
    expect(text).toContain('• *security* (<@U0SECONE>): “Only after the WAF rule ships”');
    expect(text).toContain('Decided 2026-11-22 10:02 UTC.');
  });

  it('flags an override loudly with who and the justification', () => {
    const text = shown(render(STATES[9]?.[1]));
    expect(text).toContain(
      ':rotating_light: *OVERRIDE — decision GO* by <@U0RM> at 2026-11-22 10:00 UTC, not by the sign-offs. Justification: “Hotfix for incident 42”',
    );
    expect(render(STATES[9]?.[1]).text).toContain('OVERRIDE: GO');
  });

  it('offers the override command for a NO-GO when the policy names an override role', () => {
    expect(shown(render(STATES[5]?.[1]))).toContain(
      'Members of *release-manager* may override it with `/readiness override 1a2b3c4d &lt;justification&gt;`',
    );
    expect(shown(render({ ...STATES[5]?.[1], policy: { eligibleVerdicts: ['GO'], overrideRole: null } }))).not.toContain('override it');
  });

  it('shows the earlier sign-off while the latest assessment runs, but not a stale one', () => {
    expect(shown(render(STATES[1]?.[1]))).toContain(
      'The sign-off of the earlier assessment `99999999` (requested 2026-11-22 10:00 UTC): decision *GO*.',
    );
    const stale = { ...STATES[1]?.[1], previous: request({ status: 'STALE' }) };
    expect(shown(render(stale))).not.toContain('earlier assessment');
  });

  it('shows an assessment that could not assess with its cause, no verdict and how to run again', () => {
    const text = shown(
      render({
        assessment: assessment({ status: 'UNASSESSABLE', verdict: null, score: null, failureReason: 'the database did not answer for 60 s' }),
        request: undefined,
      }),
    );
    expect(text).toContain('could not assess');
    expect(text).toContain('the database did not answer for 60 s');
    expect(text).toContain('/readiness run');
    expect(text).not.toMatch(/NO-GO/);
  });

  it('escapes every piece of user text', () => {
    const message = render({
      assessment: assessment({ status: 'FAILED', failureReason: EVIL }),
      request: request({
        status: 'REJECTED',
        decisionReason: EVIL,
        requestedBy: '<!here>',
        signoffs: [signed('security', '<!everyone>', 'REJECT', EVIL), signed('tech-lead', 'U0LEAD', 'APPROVE_WITH_CONDITIONS', EVIL)],
      }),
    });
    const text = shown(message);
    expect(text).not.toMatch(/<!(channel|here|everyone)>/);
    expect(text).not.toContain('<https://evil');
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    const overridden = shown(
      render({ request: request({ status: 'OVERRIDDEN', override: true, overriddenBy: '<!channel>', decisionReason: EVIL }) }),
    );
    expect(overridden).not.toMatch(/<!channel>/);
  });

  it('stays inside Slack limits with many roles and very long notes', () => {
    const roles = Array.from({ length: 45 }, (_, index) => ({
      role: `role-${index}`,
      count: 3,
      covers: Array.from({ length: 40 }, (__, c) => `category-${c}`),
      snapshotHash: 'x',
    }));
    const signoffs = roles.flatMap(({ role }) => [
      signed(role, 'U0ONE', 'APPROVE_WITH_CONDITIONS', '&'.repeat(5000)),
      signed(role, 'U0TWO', 'APPROVE_WITH_CONDITIONS', '<'.repeat(5000)),
    ]);
    const message = render({ request: request({ requirements: roles, signoffs }) });
    expectValid(message);
    expect(message.blocks.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.blocksPerMessage);
    expect(shown(message)).toContain('…and 15 more roles.');
  });
});
