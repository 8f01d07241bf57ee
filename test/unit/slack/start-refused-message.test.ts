import { describe, expect, it } from 'vitest';
import type { StartRefusal } from '../../../src/deployments/start-deployment.ts';
import { validateBlocks, validateMessageText } from '../../../src/slack/block-kit-limits.ts';
import { deploymentMessages } from '../../../src/slack/deployment-messages.ts';
import { ids } from '../../../src/slack/ids.ts';

const NEWEST = { id: '3f2c9a7e-1b4d-4c5e-9f60-123456789abc', requestedBy: 'U0COLLEAGUE', verdict: 'NO_GO' };
const refusals: [StartRefusal, string][] = [
  [{ reason: 'plan_expired', expiredAt: new Date('2026-12-03T10:00:00Z') }, 'this plan expired at 2026-12-03 10:00 UTC'],
  [
    { reason: 'superseded', newest: { ...NEWEST, verdict: 'GO' } },
    'a newer assessment `3f2c9a7e` by <@U0COLLEAGUE> (GO) completed after this plan was made',
  ],
  [
    { reason: 'no_longer_go', gate: { reason: 'not_go', verdict: 'NO_GO' }, newest: NEWEST },
    'the newest assessment says NO GO, not GO. The newest assessment is `3f2c9a7e` by <@U0COLLEAGUE> (NO GO)',
  ],
  [
    {
      reason: 'no_longer_go',
      gate: { reason: 'decision_too_old', decidedAt: new Date('2026-12-03T04:00:00Z'), maxAgeMs: 4 * 3_600_000 },
      newest: { ...NEWEST, verdict: 'GO' },
    },
    "older than this environment's freshness window (4h)",
  ],
  [
    { reason: 'no_longer_go', gate: { reason: 'signoff_missing', status: 'EXPIRED' }, newest: { ...NEWEST, verdict: 'GO' } },
    'its sign-off request is expired, not a GO decision',
  ],
  [
    { reason: 'no_longer_go', gate: { reason: 'signoff_missing', status: 'STALE' }, newest: { ...NEWEST, verdict: 'GO' } },
    'its sign-off request is stale',
  ],
  [{ reason: 'gate_changed' }, 'changed while starting'],
];

describe('a refused Start', () => {
  it.each(refusals)('says why (%j) and offers a new assessment, within Block Kit limits', (refusal, expected) => {
    const response = deploymentMessages.startRefusedResponse({ service: 'shop', environment: 'production', refusal });
    expect(response.text).toContain('Not started');
    expect(response.text).toContain(expected);
    expect(validateBlocks(response.blocks, 'message')).toEqual([]);
    expect(validateMessageText(response.text, response.blocks)).toEqual([]);
    expect(response.blocks?.[1]).toMatchObject({
      type: 'actions',
      elements: [{ type: 'button', action_id: ids.actions.runAssessment, value: 'shop/production' }],
    });
  });

  it('offers no new assessment when the refusal is about who clicked', () => {
    const response = deploymentMessages.startRefusedResponse({
      service: 'shop',
      environment: 'production',
      refusal: { reason: 'approved_own_release', role: 'security' },
    });
    expect(response).toEqual({
      text: 'Separation of duties: you approved this release as *security*, so someone else must deploy it. Nothing changed.',
    });
  });
});
