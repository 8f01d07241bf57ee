import { describe, expect, it } from 'vitest';
import { checkSignoff, type SignAttempt } from '../../../src/approvals/authorize.ts';
import { carriedSignoffs } from '../../../src/approvals/carry-over.ts';
import { evaluateSignoffs } from '../../../src/approvals/progress.ts';
import type { Requirement, SignoffRecord, SignoffRequestView } from '../../../src/approvals/signoff.types.ts';
import { coverageHash, requirementsFor } from '../../../src/approvals/snapshot.ts';
import { signoffRequest, SIGNED_AT } from '../../support/fixtures/signoff-request.ts';

const AT = SIGNED_AT;

const requirement = (role: string, count = 1, covers: string[] = [], snapshotHash = `${role}-hash`): Requirement => ({
  role,
  count,
  covers,
  snapshotHash,
});
const signoff = (role: string, userId: string, kind: SignoffRecord['kind'] = 'APPROVE', note: string | null = null): SignoffRecord => ({
  role,
  userId,
  kind,
  note,
  signedAt: AT,
  carriedFromId: null,
});

const request = (overrides: Partial<SignoffRequestView> = {}) =>
  signoffRequest({
    id: 'req-1',
    assessmentId: 'a-1',
    expiresAt: new Date(AT.getTime() + 3_600_000),
    requirements: [requirement('tech-lead'), requirement('security', 2)],
    ...overrides,
  });

const attempt = (overrides: Partial<SignAttempt> = {}): SignAttempt => ({
  role: 'tech-lead',
  userId: 'U0LEAD',
  kind: 'APPROVE',
  note: null,
  isMember: true,
  allowSelfApproval: false,
  now: AT,
  ...overrides,
});

describe('evaluateSignoffs', () => {
  it('waits until every role has its count of approvals, naming the missing roles', () => {
    const progress = evaluateSignoffs(request().requirements, [signoff('tech-lead', 'U1'), signoff('security', 'U2')], 'GO');
    expect(progress.outcome.kind).toBe('pending');
    expect(progress.outcome.kind === 'pending' && progress.outcome.missing.map((missing) => missing.role)).toEqual(['security']);
  });

  it('decides GO when all approve plainly and the verdict was GO', () => {
    const progress = evaluateSignoffs(
      request().requirements,
      [signoff('tech-lead', 'U1'), signoff('security', 'U2'), signoff('security', 'U3')],
      'GO',
    );
    expect(progress.outcome).toEqual({ kind: 'approved', decision: 'GO', conditions: [] });
  });

  it('decides GO WITH CAUTION when the verdict was cautious, or when any approval has conditions, listing each', () => {
    const plain = [signoff('tech-lead', 'U1'), signoff('security', 'U2'), signoff('security', 'U3')];
    expect(evaluateSignoffs(request().requirements, plain, 'GO_WITH_CAUTION').outcome).toMatchObject({ decision: 'GO_WITH_CAUTION', conditions: [] });
    const conditional = [signoff('tech-lead', 'U1', 'APPROVE_WITH_CONDITIONS', 'watch p99'), signoff('security', 'U2'), signoff('security', 'U3')];
    expect(evaluateSignoffs(request().requirements, conditional, 'GO').outcome).toEqual({
      kind: 'approved',
      decision: 'GO_WITH_CAUTION',
      conditions: [{ role: 'tech-lead', userId: 'U1', text: 'watch p99' }],
    });
  });

  it('decides NO-GO on any rejection, even when approvals are complete', () => {
    const rejection = signoff('security', 'U9', 'REJECT', 'open port');
    const progress = evaluateSignoffs(
      request().requirements,
      [signoff('tech-lead', 'U1'), signoff('security', 'U2'), signoff('security', 'U3'), rejection],
      'GO',
    );
    expect(progress.outcome).toEqual({ kind: 'rejected', rejection });
  });
});

describe('checkSignoff', () => {
  it('allows a member to approve an open request', () => {
    expect(checkSignoff(request(), attempt())).toBeUndefined();
  });

  it.each([
    ['a decided request', request({ status: 'APPROVED' }), attempt(), { reason: 'not_open', status: 'APPROVED', override: false }],
    ['a stale request', request({ status: 'STALE' }), attempt(), { reason: 'not_open', status: 'STALE', override: false }],
    [
      'an overridden request',
      request({ status: 'OVERRIDDEN', override: true }),
      attempt(),
      { reason: 'not_open', status: 'OVERRIDDEN', override: true },
    ],
    ['a request past its expiry', request({ expiresAt: AT }), attempt(), { reason: 'expired' }],
    ['a role the request does not need', request(), attempt({ role: 'cto' }), { reason: 'role_not_required', role: 'cto' }],
    ['a non-member', request(), attempt({ isMember: false }), { reason: 'not_member', role: 'tech-lead' }],
    ['the requester approving', request(), attempt({ userId: 'U0REQ' }), { reason: 'self_approval' }],
    [
      'a second click by the same person',
      request({ signoffs: [signoff('tech-lead', 'U0LEAD')] }),
      attempt(),
      { reason: 'already_signed', role: 'tech-lead', kind: 'APPROVE' },
    ],
    [
      'a role already complete',
      request({ signoffs: [signoff('tech-lead', 'U0OTHER')] }),
      attempt(),
      { reason: 'role_complete', role: 'tech-lead', by: ['U0OTHER'] },
    ],
    ['a rejection without a reason', request(), attempt({ kind: 'REJECT', note: '  ' }), { reason: 'note_required' }],
    ['conditions without text', request(), attempt({ kind: 'APPROVE_WITH_CONDITIONS', note: null }), { reason: 'note_required' }],
  ])('refuses %s', (_what, given, tried, refusal) => {
    expect(checkSignoff(given, tried)).toEqual(refusal);
  });

  it('lets the requester approve when the policy allows self-approval, and reject in any case', () => {
    expect(checkSignoff(request(), attempt({ userId: 'U0REQ', allowSelfApproval: true }))).toBeUndefined();
    expect(checkSignoff(request(), attempt({ userId: 'U0REQ', kind: 'REJECT', note: 'found a bug' }))).toBeUndefined();
  });

  it('lets a second member approve a role that needs two', () => {
    expect(checkSignoff(request({ signoffs: [signoff('security', 'U0A')] }), attempt({ role: 'security', userId: 'U0B' }))).toBeUndefined();
  });
});

describe('coverage hashes and carry-over', () => {
  const checks = [
    { checkId: 'health', category: 'infrastructure', status: 'PASS' },
    { checkId: 'scan', category: 'security', status: 'PASS' },
  ];

  it('depends only on the covered categories, their check ids and statuses, not their order', () => {
    const securityChanged = [checks[0]!, { ...checks[1]!, status: 'WARN' }];
    expect(coverageHash(checks, ['infrastructure'])).toBe(coverageHash(securityChanged, ['infrastructure']));
    expect(coverageHash(checks, ['security'])).not.toBe(coverageHash(securityChanged, ['security']));
    expect(coverageHash([...checks].reverse(), [])).toBe(coverageHash(checks, []));
    expect(coverageHash(checks, [])).not.toBe(coverageHash(securityChanged, []));
  });

  it('carries approvals whose role covers unchanged results, never rejections, keeping the original request id', () => {
    const required = [
      { role: 'tech-lead', count: 1, covers: ['infrastructure'] },
      { role: 'security', count: 1, covers: ['security'] },
      { role: 'business-owner', count: 1, covers: [] },
    ];
    const before = requirementsFor(required, checks);
    const after = requirementsFor(required, [checks[0]!, { ...checks[1]!, status: 'WARN' }]);
    const previous = request({
      id: 'old',
      requirements: before,
      signoffs: [
        { ...signoff('tech-lead', 'U1'), carriedFromId: 'older' },
        signoff('security', 'U2'),
        signoff('business-owner', 'U3', 'REJECT', 'no'),
      ],
    });
    expect(carriedSignoffs(previous, after).map((carried) => [carried.role, carried.userId, carried.carriedFromId])).toEqual([
      ['tech-lead', 'U1', 'older'],
    ]);
    expect(carriedSignoffs(previous, before).map((carried) => [carried.role, carried.carriedFromId])).toEqual([
      ['tech-lead', 'older'],
      ['security', 'old'],
    ]);
    expect(carriedSignoffs(undefined, after)).toEqual([]);
  });
});
