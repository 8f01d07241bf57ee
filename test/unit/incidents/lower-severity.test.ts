import { describe, expect, it } from 'vitest';
import { LowerModalMetadata } from '../../../commands/actions/incident-lower-severity.ts';
import { decideSeverityChange } from '../../../src/incidents/change-severity.ts';
import { validateView } from '../../../src/slack/block-kit-limits.ts';
import { ids } from '../../../src/slack/ids.ts';
import { renderLowerSeverityModal } from '../../../src/slack/views/incident-lower-modal.ts';
import { renderTimelineEntry } from '../../../src/slack/views/incident-timeline.ts';
import { incident, minutesAfterOpen, targets } from './fixtures.ts';

describe('the Lower modal', () => {
  it('is a valid modal asking for a reason, carrying the change the person saw', () => {
    const modal = renderLowerSeverityModal(incident({ title: '<!channel> '.repeat(400) }), 'SEV3');
    expect(validateView(modal, 'modal')).toEqual([]);
    expect(modal.callback_id).toBe(ids.incident.lowerModal);
    expect(modal.private_metadata).toBe(`${incident().id}/SEV2/SEV3`);
    expect(JSON.stringify(modal.blocks)).not.toContain('<!channel>');
  });

  it('trusts only metadata that names an incident and a lowering', () => {
    expect(LowerModalMetadata.safeParse(`${incident().id}/SEV2/SEV3`).data).toEqual([incident().id, 'SEV2', 'SEV3']);
    expect(LowerModalMetadata.safeParse(`${incident().id}/SEV3/SEV1`).success).toBe(false);
    expect(LowerModalMetadata.safeParse(`${incident().id}/SEV2/SEV2`).success).toBe(false);
    expect(LowerModalMetadata.safeParse('not-an-id/SEV2/SEV3').success).toBe(false);
    expect(LowerModalMetadata.safeParse(`${incident().id}/SEV2/SEV9`).success).toBe(false);
  });
});

describe('a lowering with its reason', () => {
  const sev3 = { ...incident().policy, severity: 'SEV3' as const };

  it('is audited with the reason, before and after, and announced with the reason', () => {
    const decision = decideSeverityChange(
      incident({ status: 'ACKNOWLEDGED' }),
      { from: 'SEV2', to: 'SEV3', by: 'U0ONCALL', reason: 'one region only', policy: sev3, targets: targets() },
      minutesAfterOpen(20),
    );
    if (!decision.ok) throw new Error('refused');
    expect(decision.change.audit[0]).toMatchObject({
      action: 'incident.severity_changed',
      actor: 'U0ONCALL',
      reason: 'one region only',
      before: { severity: 'SEV2' },
      after: { severity: 'SEV3' },
    });
    const announcement = decision.change.notifications.find((notification) => notification.event.type === 'severity_changed');
    expect(announcement?.event).toMatchObject({ reason: 'one region only' });
  });

  it('shows the reason escaped in the thread', () => {
    const post = renderTimelineEntry(
      { type: 'severity_changed', from: 'SEV2', to: 'SEV3', by: 'U0ONCALL', restarted: false, respondWithinMs: 60_000, reason: 'only <!here> & co' },
      incident(),
    );
    expect(post.text).toBe(':arrow_down: Severity lowered from SEV2 to SEV3 by <@U0ONCALL>. Reason: “only &lt;!here&gt; &amp; co”');
  });

  it('refuses a change from a severity the incident no longer has', () => {
    expect(
      decideSeverityChange(
        incident({ severity: 'SEV1' }),
        { from: 'SEV2', to: 'SEV3', by: 'U0ONCALL', reason: 'stale', policy: sev3, targets: targets() },
        minutesAfterOpen(1),
      ),
    ).toEqual({
      ok: false,
      refusal: 'stale',
    });
  });
});
