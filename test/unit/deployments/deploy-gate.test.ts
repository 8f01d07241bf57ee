import { describe, expect, it } from 'vitest';
import type { SignoffRequestView } from '../../../src/approvals/signoff.types.ts';
import { checkDeployGate, type LatestAssessment } from '../../../src/deployments/deploy-gate.ts';

const HOUR = 3_600_000;
const MAX_AGE = 4 * HOUR;
const NOW = new Date('2025-06-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function latest(overrides: Partial<LatestAssessment> = {}): LatestAssessment {
  return {
    id: 'a-1',
    requestedBy: 'U0REQ',
    verdict: 'GO',
    completedAt: ago(HOUR),
    channelId: 'C0RELEASE',
    messageTs: '1748779200.000100',
    ...overrides,
  };
}

function signoff(overrides: Partial<SignoffRequestView> = {}): SignoffRequestView {
  return {
    id: 's-1',
    assessmentId: 'a-1',
    service: 'shop',
    environment: 'prod',
    status: 'APPROVED',
    requestedBy: 'U0REQUESTER',
    channelId: 'C0RELEASE',
    threadTs: '1748779200.000100',
    messageTs: '1748779300.000100',
    requirements: [],
    verdict: 'GO',
    decision: 'GO',
    decisionReason: null,
    override: false,
    overriddenBy: null,
    expiresAt: new Date('2025-06-02T12:00:00.000Z'),
    decidedAt: ago(HOUR / 2),
    staleSince: null,
    createdAt: ago(HOUR),
    signoffs: [],
    ...overrides,
  };
}

const gate = (input: {
  latest?: LatestAssessment | undefined;
  signoff?: SignoffRequestView | undefined;
  requiresSignoff?: boolean;
  maxAgeMs?: number;
}) =>
  checkDeployGate({
    latest: input.latest,
    signoff: input.signoff,
    requiresSignoff: input.requiresSignoff ?? false,
    maxAgeMs: input.maxAgeMs ?? MAX_AGE,
    now: NOW,
  });

describe('checkDeployGate without sign-off', () => {
  it('refuses when the service was never assessed, or its newest assessment has not finished', () => {
    expect(gate({ latest: undefined })).toEqual({ ok: false, reason: 'no_assessment' });
    expect(gate({ latest: latest({ completedAt: null }) })).toEqual({ ok: false, reason: 'no_assessment' });
  });

  it('refuses a verdict that is not GO, naming it', () => {
    expect(gate({ latest: latest({ verdict: 'NO_GO' }) })).toEqual({ ok: false, reason: 'not_go', verdict: 'NO_GO' });
    expect(gate({ latest: latest({ verdict: null }) })).toEqual({ ok: false, reason: 'not_go', verdict: null });
  });

  it('lets a GO or GO WITH CAUTION through, dated by the assessment', () => {
    expect(gate({ latest: latest() })).toEqual({
      ok: true,
      go: { assessmentId: 'a-1', decision: 'GO', decidedAt: ago(HOUR), override: false, channelId: 'C0RELEASE', threadTs: '1748779200.000100' },
    });
    expect(gate({ latest: latest({ verdict: 'GO_WITH_CAUTION' }) })).toMatchObject({ ok: true, go: { decision: 'GO_WITH_CAUTION' } });
  });

  it('accepts a GO exactly as old as the limit and refuses one a millisecond older', () => {
    expect(gate({ latest: latest({ completedAt: ago(MAX_AGE) }) }).ok).toBe(true);
    expect(gate({ latest: latest({ completedAt: ago(MAX_AGE + 1) }) })).toEqual({
      ok: false,
      reason: 'decision_too_old',
      decidedAt: ago(MAX_AGE + 1),
      maxAgeMs: MAX_AGE,
    });
  });

  it('ignores a sign-off request where the environment needs none', () => {
    expect(gate({ latest: latest({ verdict: 'NO_GO' }), signoff: signoff() })).toMatchObject({ ok: false, reason: 'not_go' });
  });
});

describe('checkDeployGate with sign-off', () => {
  it('refuses without a request, naming its status as NONE', () => {
    expect(gate({ latest: latest(), requiresSignoff: true })).toEqual({ ok: false, reason: 'signoff_missing', status: 'NONE' });
  });

  it('refuses a request that is not decided GO, naming its status', () => {
    for (const status of ['PENDING', 'EXPIRED', 'STALE'] as const) {
      expect(gate({ latest: latest(), signoff: signoff({ status, decision: null, decidedAt: null }), requiresSignoff: true })).toEqual({
        ok: false,
        reason: 'signoff_missing',
        status,
      });
    }
    expect(gate({ latest: latest(), signoff: signoff({ status: 'REJECTED', decision: 'NO_GO' }), requiresSignoff: true })).toEqual({
      ok: false,
      reason: 'signoff_missing',
      status: 'REJECTED',
    });
    expect(gate({ latest: latest(), signoff: signoff({ decidedAt: null }), requiresSignoff: true })).toEqual({
      ok: false,
      reason: 'signoff_missing',
      status: 'APPROVED',
    });
  });

  it('goes on the sign-off decision, not the verdict, dated when it was decided', () => {
    const result = gate({
      latest: latest({ verdict: 'GO_WITH_CAUTION', completedAt: ago(MAX_AGE * 2) }),
      signoff: signoff({ decision: 'GO_WITH_CAUTION', decidedAt: ago(HOUR) }),
      requiresSignoff: true,
    });
    expect(result).toEqual({
      ok: true,
      go: {
        assessmentId: 'a-1',
        decision: 'GO_WITH_CAUTION',
        decidedAt: ago(HOUR),
        override: false,
        channelId: 'C0RELEASE',
        threadTs: '1748779200.000100',
      },
    });
  });

  it('accepts an override, flagged as one', () => {
    const result = gate({
      latest: latest({ verdict: 'NO_GO' }),
      signoff: signoff({ status: 'OVERRIDDEN', decision: 'GO', override: true, overriddenBy: 'U0RELEASE' }),
      requiresSignoff: true,
    });
    expect(result).toMatchObject({ ok: true, go: { decision: 'GO', override: true } });
  });

  it('applies the age limit to the decision: exactly the limit passes, a millisecond more does not', () => {
    expect(gate({ latest: latest(), signoff: signoff({ decidedAt: ago(MAX_AGE) }), requiresSignoff: true }).ok).toBe(true);
    expect(gate({ latest: latest(), signoff: signoff({ decidedAt: ago(MAX_AGE + 1) }), requiresSignoff: true })).toEqual({
      ok: false,
      reason: 'decision_too_old',
      decidedAt: ago(MAX_AGE + 1),
      maxAgeMs: MAX_AGE,
    });
  });
});
