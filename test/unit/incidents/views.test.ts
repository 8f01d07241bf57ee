import { describe, expect, it } from 'vitest';
import type { IncidentEventView, TimelineEvent } from '../../../src/incidents/incident.types.ts';
import { validateBlocks, validateMessageText, validateView } from '../../../src/slack/block-kit-limits.ts';
import { ids } from '../../../src/slack/ids.ts';
import type { SlackMessage } from '../../../src/slack/views/assessment-message.ts';
import { renderIncidentAlert } from '../../../src/slack/views/incident-alert.ts';
import { formatElapsed } from '../../../src/slack/views/incident-format.ts';
import { renderOpenIncidents } from '../../../src/slack/views/incident-list.ts';
import { renderResolveModal } from '../../../src/slack/views/incident-resolve-modal.ts';
import { renderPostIncidentReview } from '../../../src/slack/views/incident-review.ts';
import { renderPageDm, renderTimelineEntry } from '../../../src/slack/views/incident-timeline.ts';
import { incident, minutesAfterOpen, OPENED_AT, targets } from './fixtures.ts';

function expectValid(message: SlackMessage): void {
  expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  expect(validateMessageText(message.text, message.blocks)).toEqual([]);
}

const buttons = (message: SlackMessage) =>
  message.blocks.flatMap((block) =>
    ((block.elements as { action_id?: string }[] | undefined) ?? []).map((element) => element.action_id).filter(Boolean),
  );

const paged = (at: Date, level = 0, who = ['U0ONCALL']): IncidentEventView => ({
  action: 'incident.paged',
  actor: 'system',
  at,
  reason: null,
  data: { plan: 0, level, round: 0, trigger: level === 0 ? 'open' : 'timeout', targets: targets(who) },
});

describe('the incident alert', () => {
  it('shows severity, service, opener, runbook and the buttons while open', () => {
    const message = renderIncidentAlert(incident(), [paged(OPENED_AT)]);
    expectValid(message);
    expect(message).toMatchSnapshot();
    expect(buttons(message)).toEqual([ids.incident.acknowledge, ids.incident.escalate, ids.incident.raise, ids.incident.lower, ids.incident.resolve]);
  });

  it('drops Acknowledge once acknowledged, and every button once resolved', () => {
    const acknowledged = renderIncidentAlert(incident({ status: 'ACKNOWLEDGED', acknowledgedBy: 'U0ONCALL', timeToAcknowledgeSeconds: 192 }), []);
    expect(buttons(acknowledged)).not.toContain(ids.incident.acknowledge);
    expect(JSON.stringify(acknowledged.blocks)).toContain('*Acknowledged* by <@U0ONCALL> after 3m 12s');
    const resolved = renderIncidentAlert(
      incident({ status: 'RESOLVED', resolvedBy: 'U0ONCALL', timeToResolveSeconds: 2520, timeToAcknowledgeSeconds: 60 }),
      [],
    );
    expectValid(resolved);
    expect(buttons(resolved)).toEqual([]);
    expect(resolved.text).toContain('(resolved)');
  });

  it('offers no Escalate past the last level, and no Raise at SEV1', () => {
    const last = renderIncidentAlert(incident({ severity: 'SEV1', level: 1, round: 1 }), []);
    expect(buttons(last)).not.toContain(ids.incident.escalate);
    expect(buttons(last)).not.toContain(ids.incident.raise);
  });

  it('says when nobody could be paged because a role is not defined', () => {
    const event = paged(OPENED_AT);
    event.data.targets = { users: [], usergroups: [], dmUsers: [], missingRoles: ['on-call'], lookupFailures: [] };
    const text = JSON.stringify(renderIncidentAlert(incident(), [event]).blocks);
    expect(text).toContain('nobody: role `on-call` is not defined in readiness.yaml, so this page goes to the channel only');
  });

  it('shows the ticket queue for a severity that pages no one', () => {
    const sev4 = incident({ severity: 'SEV4', policy: { ...incident().policy, severity: 'SEV4', levels: [] }, escalationDueAt: null });
    expect(JSON.stringify(renderIncidentAlert(sev4, []).blocks)).toContain('*Ticket queue*');
  });

  it('escapes everything people and services typed, and stays within Slack limits with huge evidence', () => {
    const hostile = incident({
      title: '<!channel> <https://evil.example|click> & more',
      summary: '<!here> '.repeat(400),
      evidence: Object.fromEntries(Array.from({ length: 40 }, (_, n) => [`metric_${n}<@U0X>`, 'x'.repeat(5000)])),
      cause: 'rollback',
      openedBy: 'system',
      stakeholders: Array.from({ length: 50 }, (_, n) => `U0APPROVER${n}`),
    });
    const message = renderIncidentAlert(hostile, []);
    expectValid(message);
    const mrkdwn = JSON.stringify(message.blocks.filter((block) => block.type !== 'header'));
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).not.toContain('<!here>');
    expect(mrkdwn).not.toContain('<@U0X>');
    expect(message.text).toContain('&lt;!channel&gt;');
  });
});

const sev2Path = { severity: 'SEV2' as const, levelCount: 2, repeat: 1, respondWithinMs: 15 * 60_000 };
const sev1Path = { severity: 'SEV1' as const, levelCount: 3, repeat: 2, respondWithinMs: 5 * 60_000 };

describe('timeline entries', () => {
  const events: TimelineEvent[] = [
    { type: 'opened', by: 'system' },
    { type: 'paged', step: { plan: 0, level: 0, round: 0 }, path: sev2Path, trigger: 'open', by: 'U0REPORTER', targets: targets() },
    {
      type: 'paged',
      step: { plan: 0, level: 1, round: 0 },
      path: sev2Path,
      trigger: 'timeout',
      by: 'system',
      targets: targets(['U0LEAD']),
      waitedMs: 15 * 60_000,
    },
    { type: 'paged', step: { plan: 0, level: 1, round: 1 }, path: sev2Path, trigger: 'manual', by: 'U0ONCALL', targets: targets(['U0LEAD']) },
    { type: 'paged', step: { plan: 1, level: 0, round: 0 }, path: sev1Path, trigger: 'severity', by: 'U0ONCALL', targets: targets() },
    { type: 'no_one_to_page', severity: 'SEV4' },
    { type: 'exhausted', rounds: 2 },
    { type: 'superseded', step: { plan: 0, level: 0, round: 0 }, dueAt: minutesAfterOpen(15).toISOString(), status: 'ACKNOWLEDGED', by: 'U0ONCALL' },
    { type: 'acknowledged', by: 'U0ONCALL', afterSeconds: 192 },
    { type: 'severity_changed', from: 'SEV3', to: 'SEV1', by: 'U0LEAD', restarted: true, respondWithinMs: 5 * 60_000 },
    { type: 'severity_changed', from: 'SEV2', to: 'SEV3', by: 'U0LEAD', restarted: false, respondWithinMs: 60 * 60_000 },
    { type: 'merged', occurrence: 2, summary: 'again <!channel>', evidence: { metric: 'x' } },
    { type: 'resolved', by: 'U0ONCALL', summary: 'rolled back', acknowledgeSeconds: 192, resolveSeconds: 2520 },
    { type: 'delivery_failed', destination: 'dm', channel: 'U0GHOST', error: 'channel_not_found' },
  ];

  it('renders every thread event as one valid post', () => {
    const posts = events.map((event) =>
      renderTimelineEntry(event, incident({ stakeholders: ['U0APPROVER'], evidence: { metric: 'http_5xx_ratio' } })),
    );
    for (const post of posts) expectValid({ ...post, blocks: post.blocks });
    expect(posts.map((post) => post.text)).toMatchSnapshot();
    expect(posts[11]?.text).not.toContain('<!channel>');
  });

  it('sends a DM with the incident and an Acknowledge button', () => {
    const dm = renderPageDm({ type: 'page_dm', step: { plan: 0, level: 1, round: 0 }, path: sev2Path, trigger: 'timeout' }, incident());
    expectValid(dm);
    expect(buttons(dm)).toEqual([ids.incident.acknowledge]);
    expect(JSON.stringify(dm.blocks)).toContain('level 2 of 2');
    expect(JSON.stringify(dm.blocks)).toContain('<#C0INCIDENTS>');
  });
});

describe('the post-incident review skeleton', () => {
  it('has the timeline, impact, cause and actions, with the figures filled in', () => {
    const resolved = incident({
      status: 'RESOLVED',
      resolvedBy: 'U0ONCALL',
      resolvedAt: minutesAfterOpen(42),
      resolutionSummary: 'Rolled back v2.3.1',
      timeToAcknowledgeSeconds: 192,
      timeToResolveSeconds: 2520,
      cause: 'rollback',
      openedBy: 'system',
      summary: 'the 5xx ratio breached its SLO',
    });
    const events: IncidentEventView[] = [
      { action: 'incident.opened', actor: 'system', at: OPENED_AT, reason: null, data: { severity: 'SEV2' } },
      paged(OPENED_AT),
      paged(minutesAfterOpen(15), 1, ['U0LEAD']),
      { action: 'incident.acknowledged', actor: 'U0LEAD', at: minutesAfterOpen(16), reason: null, data: {} },
      { action: 'incident.resolved', actor: 'U0ONCALL', at: minutesAfterOpen(42), reason: 'Rolled back', data: {} },
    ];
    const review = renderPostIncidentReview(resolved, events);
    expectValid(review);
    expect(review).toMatchSnapshot();
  });

  it('keeps a long timeline within a section, first and last events shown', () => {
    const events = Array.from({ length: 200 }, (_, n) => paged(minutesAfterOpen(n), n % 3));
    const review = renderPostIncidentReview(incident({ status: 'RESOLVED', resolvedBy: 'U0X' }), events);
    expectValid(review);
    expect(JSON.stringify(review.blocks)).toContain('more events');
  });
});

describe('the open incidents list and the resolve modal', () => {
  it('lists state, age and channel per incident', () => {
    const text = renderOpenIncidents(
      [incident(), incident({ number: 43, severity: 'SEV3', status: 'ACKNOWLEDGED', acknowledgedBy: 'U0LEAD', title: 'Slow <search>' })],
      minutesAfterOpen(14),
    );
    expect(text).toMatchSnapshot();
    expect(renderOpenIncidents([], OPENED_AT)).toBe(':white_check_mark: No open incidents.');
  });

  it('opens a modal Slack accepts, asking for the summary', () => {
    const modal = renderResolveModal(incident());
    expect(validateView(modal, 'modal')).toEqual([]);
    expect(modal.private_metadata).toBe(incident().id);
  });

  it.each([
    [5, '5s'],
    [192, '3m 12s'],
    [7500, '2h 5m'],
    [100_000, '1d 3h'],
  ])('formats %i seconds as %s', (seconds, text) => {
    expect(formatElapsed(seconds)).toBe(text);
  });
});
