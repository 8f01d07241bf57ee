import { describe, expect, it } from 'vitest';
import { checkStoredSignoff, signoffGateMisuse, type StoredSignoffSource } from '../../../src/approvals/stored-signoff-gate.ts';
import type { SignoffRequestView } from '../../../src/approvals/signoff.types.ts';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import type { LatestAssessment } from '../../../src/deployments/deploy-gate.ts';
import { describeSignoffMisuse, describeStoredSignoff } from '../../../src/cli/signoff-messages.ts';

const config = parseReadinessConfig(
  {
    roles: { lead: { users: ['U0LEAD'] }, owner: { users: ['U0OWNER'] }, rm: { users: ['U0RM'] } },
    services: {
      api: {
        environments: { staging: { signoff: { required: [{ role: 'lead' }, { role: 'owner' }], overrideRole: 'rm' } }, qa: {} },
        checks: [{ id: 'tcp', name: 'Port', type: 'tcp', host: 'db', port: 5432 }],
      },
    },
  },
  'test',
);
const target = { service: 'api', environment: 'staging' };
const NOW = new Date('2026-03-04T12:00:00Z');
const latest: LatestAssessment = {
  id: 'a2',
  requestedBy: 'U0REQ',
  verdict: 'GO',
  completedAt: new Date('2026-03-04T11:00:00Z'),
  channelId: 'C1',
  messageTs: '1.1',
};

function request(overrides: Partial<SignoffRequestView>): SignoffRequestView {
  return {
    id: 'r1',
    assessmentId: 'a2',
    service: 'api',
    environment: 'staging',
    status: 'PENDING',
    requestedBy: 'U0REQ',
    channelId: 'C1',
    threadTs: '1.1',
    messageTs: '1.2',
    requirements: [
      { role: 'lead', count: 1, covers: [], snapshotHash: 'h' },
      { role: 'owner', count: 1, covers: [], snapshotHash: 'h' },
    ],
    verdict: 'GO',
    decision: null,
    decisionReason: null,
    override: false,
    overriddenBy: null,
    expiresAt: new Date('2026-03-05T11:00:00Z'),
    decidedAt: null,
    staleSince: null,
    createdAt: new Date('2026-03-04T11:00:00Z'),
    signoffs: [],
    ...overrides,
  };
}
const approval = (role: string, userId: string) => ({ role, userId, kind: 'APPROVE' as const, note: null, signedAt: NOW, carriedFromId: null });

const source = (assessment: LatestAssessment | undefined, signoff: SignoffRequestView | undefined): StoredSignoffSource => ({
  latestCompletedAssessment: async () => assessment,
  findByAssessment: async (id) => (signoff?.assessmentId === id ? signoff : undefined),
});

describe('checkStoredSignoff (readiness assess --require-signoff)', () => {
  it('passes on the newest assessment approved by every role, naming who approved', async () => {
    const approved = request({
      status: 'APPROVED',
      decision: 'GO',
      decidedAt: new Date('2026-03-04T11:30:00Z'),
      signoffs: [approval('lead', 'U0LEAD'), approval('owner', 'U0OWNER')],
    });
    const result = await checkStoredSignoff(source(latest, approved), config, target, NOW);
    expect(result).toMatchObject({ ok: true, assessmentId: 'a2', decision: 'GO', override: false });
    expect(describeStoredSignoff(result, target)).toBe(
      'signed off: assessment a2 of api in staging was approved by U0LEAD (lead), U0OWNER (owner), GO at 2026-03-04 11:30 UTC',
    );
  });

  it('passes on an override, naming who overrode', async () => {
    const overridden = request({
      status: 'OVERRIDDEN',
      decision: 'GO_WITH_CAUTION',
      override: true,
      overriddenBy: 'U0RM',
      decidedAt: new Date('2026-03-04T11:45:00Z'),
    });
    const result = await checkStoredSignoff(source(latest, overridden), config, target, NOW);
    expect(result).toMatchObject({ ok: true, override: true, approvers: [] });
    expect(describeStoredSignoff(result, target)).toContain('was overridden by U0RM, GO WITH CAUTION');
  });

  it('holds while roles are missing, after a rejection or expiry, and without any request or assessment', async () => {
    const pending = request({ signoffs: [approval('lead', 'U0LEAD')] });
    expect(describeStoredSignoff(await checkStoredSignoff(source(latest, pending), config, target, NOW), target)).toBe(
      'sign-off missing: the newest completed assessment of api in staging (a2) is still waiting for owner',
    );
    const rejected = request({ status: 'REJECTED', decision: 'NO_GO', decidedAt: NOW });
    expect(describeStoredSignoff(await checkStoredSignoff(source(latest, rejected), config, target, NOW), target)).toContain('was rejected in Slack');
    const expired = request({ status: 'EXPIRED' });
    expect(describeStoredSignoff(await checkStoredSignoff(source(latest, expired), config, target, NOW), target)).toContain(
      'expired before everyone approved',
    );
    expect(await checkStoredSignoff(source(latest, undefined), config, target, NOW)).toMatchObject({
      ok: false,
      reason: 'signoff_missing',
      status: 'NONE',
    });
    expect(await checkStoredSignoff(source(undefined, undefined), config, target, NOW)).toEqual({ ok: false, reason: 'no_assessment' });
  });

  it('holds when the decision is older than the freshness window (24h outside protected environments)', async () => {
    const old = request({
      status: 'APPROVED',
      decision: 'GO',
      decidedAt: new Date('2026-03-03T11:59:00Z'),
      signoffs: [approval('lead', 'U0LEAD'), approval('owner', 'U0OWNER')],
    });
    const result = await checkStoredSignoff(source(latest, old), config, target, NOW);
    expect(result).toMatchObject({ ok: false, reason: 'decision_too_old', maxAgeMs: 24 * 3_600_000 });
    expect(describeStoredSignoff(result, target)).toContain("older than this environment's freshness window (24h)");
  });

  it('is refused where readiness.yaml asks for no sign-off', () => {
    expect(signoffGateMisuse(config, 'api', 'staging')).toBeUndefined();
    const misuse = signoffGateMisuse(config, 'api', 'qa');
    expect(misuse && describeSignoffMisuse(misuse)).toContain('no environments.qa.signoff');
  });
});
