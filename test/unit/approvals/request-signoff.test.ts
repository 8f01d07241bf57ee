import { describe, expect, it } from 'vitest';
import { requestSignoff, type RequestSignoffDeps } from '../../../src/approvals/request-signoff.ts';
import type { NewSignoffRequest } from '../../../src/approvals/signoff.ports.ts';
import type { SignoffRequestView } from '../../../src/approvals/signoff.types.ts';
import type { AssessmentView } from '../../../src/assessments/assessment.types.ts';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import { SIGNED_AT, signoffRequest } from '../../support/fixtures/signoff-request.ts';

const config = parseReadinessConfig(
  {
    roles: { 'tech-lead': { users: ['U0LEAD'] }, security: { users: ['U0SEC'] } },
    services: {
      payments: {
        environments: {
          production: {
            signoff: {
              required: [
                { role: 'tech-lead', covers: ['infrastructure'] },
                { role: 'security', covers: ['security'] },
              ],
            },
          },
        },
        checks: [{ id: 'health', name: 'Health', type: 'http', category: 'infrastructure', url: 'http://127.0.0.1:9/healthz' }],
      },
    },
  },
  'request-signoff unit config',
);

const newer = {
  id: 'aaaaaaaa-0000-0000-0000-000000000002',
  service: 'payments',
  environment: 'production',
  status: 'COMPLETED',
  requestedBy: 'U0REQ',
  channelId: 'C0X',
  messageTs: '2.1',
  verdict: 'GO',
  createdAt: SIGNED_AT,
  checks: [{ checkId: 'health', category: 'infrastructure', status: 'PASS' }],
} as unknown as AssessmentView;

describe('requestSignoff', () => {
  it('carries unchanged approvals over even when the request is made before the after-completion job marked the old one stale', async () => {
    const requirements = [
      { role: 'tech-lead', count: 1, covers: ['infrastructure'], snapshotHash: '' },
      { role: 'security', count: 1, covers: ['security'], snapshotHash: '' },
    ];
    // The previous assessment's request, approved by the tech lead, with the same results: still APPROVED, because
    // the job that marks it stale after the newer assessment completed has not run yet.
    let previous: SignoffRequestView = signoffRequest({
      id: 'bbbbbbbb-0000-0000-0000-000000000001',
      status: 'APPROVED',
      signoffs: [{ role: 'tech-lead', userId: 'U0LEAD', kind: 'APPROVE', note: null, signedAt: SIGNED_AT, carriedFromId: null }],
    } as Partial<SignoffRequestView>);
    const created: NewSignoffRequest[] = [];
    const published: string[] = [];
    const deps: RequestSignoffDeps = {
      config,
      assessments: { find: async (id) => (id === newer.id ? newer : undefined) },
      signoffs: {
        markStale: async () => {
          if (previous.status === 'STALE') return [];
          previous = { ...previous, status: 'STALE' };
          return [previous];
        },
        latestStale: async () => (previous.status === 'STALE' ? previous : undefined),
        create: async (input) => {
          created.push(input);
          return {
            request: signoffRequest({ assessmentId: newer.id, signoffs: input.carried }),
            created: true,
            outcome: { kind: 'pending', missing: [] },
          };
        },
      },
      effects: {
        publish: async (request) => void published.push(`${request.id} ${request.status}`),
        announce: async () => undefined,
        scheduleExpiry: async () => undefined,
      },
      now: () => SIGNED_AT,
    };
    // The hashes the previous request was bound to are those of the same results.
    const { requirementsFor } = await import('../../../src/approvals/snapshot.ts');
    const bound = requirementsFor(
      requirements.map((requirement) => ({ role: requirement.role, count: 1, covers: requirement.covers })) as never,
      newer.checks,
    );
    previous = { ...previous, requirements: bound };

    const result = await requestSignoff(deps, { assessmentId: newer.id, requestedBy: 'U0REQ' });

    expect(result.ok).toBe(true);
    expect(created[0]?.carried.map((signoff) => [signoff.role, signoff.userId, signoff.carriedFromId])).toEqual([
      ['tech-lead', 'U0LEAD', 'bbbbbbbb-0000-0000-0000-000000000001'],
    ]);
    // The old request's message is re-rendered as stale by whoever marked it.
    expect(published[0]).toBe('bbbbbbbb-0000-0000-0000-000000000001 STALE');
  });
});
