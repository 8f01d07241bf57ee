import { describe, expect, it } from 'vitest';
import type { SignoffRequestView } from '../../../src/approvals/signoff.types.ts';
import { validateBlocks, validateMessageText } from '../../../src/slack/block-kit-limits.ts';
import { ids } from '../../../src/slack/ids.ts';
import { renderDecisionAnnouncement, renderOverrideAnnouncement } from '../../../src/slack/views/signoff-announcement.ts';
import { signoffBadgeBlock } from '../../../src/slack/views/signoff-badge.ts';
import { renderSignoffMessage } from '../../../src/slack/views/signoff-message.ts';
import { signoffRequest, SIGNED_AT } from '../../support/fixtures/signoff-request.ts';

const AT = SIGNED_AT;
const who = (role: string) => (role === 'security' ? '<!subteam^S0SEC>' : '<@U0LEAD>');

const request = (overrides: Partial<SignoffRequestView> = {}) =>
  signoffRequest({
    signoffs: [{ role: 'tech-lead', userId: 'U0LEAD', kind: 'APPROVE', note: null, signedAt: AT, carriedFromId: 'old' }],
    ...overrides,
  });

const valid = (message: { text: string; blocks: Record<string, unknown>[] }) => {
  expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  expect(validateMessageText(message.text, message.blocks)).toEqual([]);
};

describe('renderSignoffMessage', () => {
  it('shows each role with its progress and buttons only for roles still to sign', () => {
    const message = renderSignoffMessage(request(), who);
    valid(message);
    expect(message).toMatchSnapshot();
    const blockIds = message.blocks.map((block) => block.block_id);
    expect(blockIds).not.toContain(`${ids.blocks.signoffButtonsPrefix}tech-lead`);
    expect(blockIds).toContain(`${ids.blocks.signoffButtonsPrefix}security`);
    expect(JSON.stringify(message)).toContain('carried over');
  });

  it.each(['APPROVED', 'REJECTED', 'EXPIRED', 'STALE', 'OVERRIDDEN'] as const)('shows no buttons once %s', (status) => {
    const message = renderSignoffMessage(
      request({
        status,
        decision: status === 'REJECTED' ? 'NO_GO' : 'GO',
        override: status === 'OVERRIDDEN',
        overriddenBy: 'U0RM',
        decisionReason: 'why <!here>',
      }),
      who,
    );
    valid(message);
    expect(JSON.stringify(message.blocks)).not.toContain(ids.actions.approve);
    expect(JSON.stringify(message.blocks)).not.toContain('<!here>');
  });

  it('stays inside Block Kit limits with twenty roles and long notes', () => {
    const requirements = Array.from({ length: 30 }, (_, index) => ({ role: `role-${index}`, count: 1, covers: [], snapshotHash: 'x' }));
    const signoffs = requirements.slice(0, 5).map((requirement) => ({
      role: requirement.role,
      userId: 'U0X',
      kind: 'APPROVE_WITH_CONDITIONS' as const,
      note: 'n'.repeat(5000),
      signedAt: AT,
      carriedFromId: null,
    }));
    valid(renderSignoffMessage(request({ requirements, signoffs }), who));
  });
});

describe('announcements and the assessment badge', () => {
  it('lists every condition with the decision, escaped', () => {
    const announcement = renderDecisionAnnouncement(request(), {
      kind: 'approved',
      decision: 'GO_WITH_CAUTION',
      conditions: [{ role: 'security', userId: 'U0SEC', text: 'after <https://evil|WAF>' }],
    });
    valid(announcement);
    expect(announcement.text).toContain('Decision: GO WITH CAUTION');
    expect(announcement.text).toContain('after &lt;https://evil|WAF&gt;');
  });

  it('announces an override with who and why', () => {
    const text = renderOverrideAnnouncement(
      request({ status: 'OVERRIDDEN', override: true, overriddenBy: 'U0RM', decisionReason: 'hotfix', verdict: 'NO_GO' }),
    ).text;
    expect(text).toContain('OVERRIDE: decision GO');
    expect(text).toContain('<@U0RM>');
    expect(text).toContain('over a verdict of NO GO');
  });

  it('offers the Request sign-off button, then shows where sign-off stands', () => {
    expect(signoffBadgeBlock('a-1', { state: 'available' })).toMatchObject({
      type: 'actions',
      elements: [{ action_id: ids.actions.requestSignoff, value: 'a-1' }],
    });
    expect(
      JSON.stringify(signoffBadgeBlock('a-1', { state: 'requested', status: 'PENDING', decision: null, override: false, missing: 2 })),
    ).toContain('2 roles still to sign');
    expect(
      JSON.stringify(signoffBadgeBlock('a-1', { state: 'requested', status: 'OVERRIDDEN', decision: 'GO', override: true, missing: 2 })),
    ).toContain('OVERRIDE');
  });
});
