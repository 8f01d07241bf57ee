import { describe, expect, it } from 'vitest';
import { checkSignoff, type SignAttempt } from '../../../src/approvals/authorize.ts';
import { separatedDuties } from '../../../src/approvals/request-signoff.ts';
import type { SignoffRecord, SignoffRequestView } from '../../../src/approvals/signoff.types.ts';
import { ownApproval } from '../../../src/deployments/separation-of-duties.ts';
import { signoffRequest, SIGNED_AT } from '../../support/fixtures/signoff-request.ts';

const signoff = (role: string, userId: string, kind: SignoffRecord['kind'] = 'APPROVE'): SignoffRecord => ({
  role,
  userId,
  kind,
  note: kind === 'APPROVE' ? null : 'why',
  signedAt: SIGNED_AT,
  carriedFromId: null,
});
const request = (signoffs: SignoffRecord[] = []): SignoffRequestView =>
  signoffRequest({
    id: 'req-1',
    assessmentId: 'a-1',
    requestedBy: 'U0ASKER',
    expiresAt: new Date(SIGNED_AT.getTime() + 3_600_000),
    requirements: [
      { role: 'tech-lead', count: 1, covers: [], snapshotHash: 'h1' },
      { role: 'security', count: 1, covers: [], snapshotHash: 'h2' },
    ],
    signoffs,
  });
const attempt = (overrides: Partial<SignAttempt> = {}): SignAttempt => ({
  role: 'tech-lead',
  userId: 'U0LEAD',
  kind: 'APPROVE',
  note: null,
  isMember: true,
  allowSelfApproval: false,
  separation: { assessmentRequestedBy: 'U0RUNNER' },
  now: SIGNED_AT,
  ...overrides,
});

describe('separation of duties when signing', () => {
  it('refuses the assessment requester an approval, with or without conditions, even where self-approval is allowed', () => {
    expect(checkSignoff(request(), attempt({ userId: 'U0RUNNER' }))).toEqual({ reason: 'assessment_requester', requestedBy: 'U0RUNNER' });
    expect(
      checkSignoff(request(), attempt({ userId: 'U0RUNNER', kind: 'APPROVE_WITH_CONDITIONS', note: 'x', allowSelfApproval: true })),
    ).toMatchObject({ reason: 'assessment_requester' });
  });

  it('still lets the assessment requester reject: stopping a release is never a conflict of interest', () => {
    expect(checkSignoff(request(), attempt({ userId: 'U0RUNNER', kind: 'REJECT', note: 'found a bug' }))).toBeUndefined();
  });

  it('counts one person for one role, carried-over approvals included', () => {
    expect(checkSignoff(request([signoff('tech-lead', 'U0MULTI')]), attempt({ role: 'security', userId: 'U0MULTI' }))).toEqual({
      reason: 'one_role_per_person',
      role: 'tech-lead',
    });
    expect(
      checkSignoff(request([{ ...signoff('tech-lead', 'U0MULTI'), carriedFromId: 'req-0' }]), attempt({ role: 'security', userId: 'U0MULTI' })),
    ).toMatchObject({ reason: 'one_role_per_person' });
    expect(checkSignoff(request([signoff('tech-lead', 'U0MULTI')]), attempt({ role: 'security', userId: 'U0SEC' }))).toBeUndefined();
  });

  it('changes nothing when off', () => {
    expect(checkSignoff(request(), attempt({ userId: 'U0RUNNER', separation: undefined }))).toBeUndefined();
    expect(
      checkSignoff(request([signoff('tech-lead', 'U0MULTI')]), attempt({ role: 'security', userId: 'U0MULTI', separation: undefined })),
    ).toBeUndefined();
  });
});

describe('separation of duties in carried-over approvals', () => {
  it('drops an approval by the new assessment requester and a second role of the same person', () => {
    const carried = [signoff('tech-lead', 'U0RUNNER'), signoff('security', 'U0MULTI'), signoff('tech-lead', 'U0MULTI'), signoff('security', 'U0SEC')];
    expect(separatedDuties(carried, 'U0RUNNER').map((s) => `${s.role}:${s.userId}`)).toEqual(['security:U0MULTI', 'security:U0SEC']);
    expect(separatedDuties(carried, undefined)).toEqual(carried);
  });
});

describe('separation of duties when deploying', () => {
  it('names the role an approver signed for, and ignores rejections or when off', () => {
    const signed = request([signoff('tech-lead', 'U0MULTI'), signoff('security', 'U0NAY', 'REJECT')]);
    expect(ownApproval(signed, 'U0MULTI', true)).toEqual({ reason: 'approved_own_release', role: 'tech-lead' });
    expect(ownApproval(signed, 'U0NAY', true)).toBeUndefined();
    expect(ownApproval(signed, 'U0MULTI', false)).toBeUndefined();
    expect(ownApproval(undefined, 'U0MULTI', true)).toBeUndefined();
  });
  it('counts an override as an approval by whoever overrode, and only them', () => {
    const overridden = { ...request(), status: 'OVERRIDDEN' as const, override: true, overriddenBy: 'U0BOSS', decision: 'GO' as const };
    expect(ownApproval(overridden, 'U0BOSS', true)).toEqual({ reason: 'overrode_own_release' });
    expect(ownApproval(overridden, 'U0DEPLOYER', true)).toBeUndefined();
    expect(ownApproval(overridden, 'U0BOSS', false)).toBeUndefined();
  });
});
