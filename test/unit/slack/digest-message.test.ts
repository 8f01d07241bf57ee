import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../../src/digests/build-digest.ts';
import { validateBlocks, validateMessageText } from '../../../src/slack/block-kit-limits.ts';
import { renderDigestList } from '../../../src/slack/views/digest-list.ts';
import { renderDigestMessage } from '../../../src/slack/views/digest-message.ts';
import { assessment, at, deployment, emptyData, incident, scope, TO } from '../digests/fixtures.ts';

const EVIL = '<!channel> & <https://evil.example|click>';
const textOf = (blocks: Record<string, unknown>[]) => JSON.stringify(blocks);

function busyDigest() {
  return buildDigest(
    scope(),
    emptyData({
      before: [assessment({ id: '1a2b3c4d-0000-4000-8000-000000000001', score: 90, verdict: 'GO_WITH_CAUTION', finishedAt: at(-10) })],
      assessments: [
        assessment({ id: '1a2b3c4d-0000-4000-8000-000000000002', score: 96.25, verdict: 'GO', finishedAt: at(4) }),
        assessment({ id: '9f8e7d6c-0000-4000-8000-000000000003', environment: 'staging', score: 42.5, verdict: 'NO_GO', finishedAt: at(6) }),
      ],
      deployments: [
        deployment({ id: 'd1', version: 'v1.4.0', status: 'SUCCEEDED', finishedAt: at(5) }),
        deployment({ id: 'd2', version: 'v1.4.1', status: 'ROLLED_BACK', finishedAt: at(7) }),
      ],
      incidentsOpened: [
        incident({ number: 12, severity: 'SEV1', title: 'Checkout down', status: 'ACKNOWLEDGED', timeToAcknowledgeSeconds: 240, createdAt: at(7) }),
      ],
      incidentsOpen: [incident({ number: 12, severity: 'SEV1', title: 'Checkout down', status: 'ACKNOWLEDGED', createdAt: at(7) })],
      pendingSignoffs: [
        {
          service: 'checkout',
          environment: 'production',
          assessmentId: '1a2b3c4d-0000-4000-8000-000000000002',
          expiresAt: new Date(TO.getTime() + 5 * 3600_000),
        },
      ],
      checkFailures: [{ service: 'checkout', environment: 'staging', checkId: 'latency', name: 'Orders API is fast', failures: 3, runs: 4 }],
    }),
  );
}

describe('renderDigestMessage', () => {
  it('shows the period, the totals, what needs attention, every service and the checks that keep failing', () => {
    const message = renderDigestMessage(busyDigest(), TO);
    expect(message.text).toBe('Daily readiness: 2 assessments, 2 deployments, 1 incident — 5 items need attention');
    expect(message.blocks).toMatchSnapshot();
  });

  it('stays within Block Kit limits', () => {
    const message = renderDigestMessage(busyDigest(), TO);
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    expect(validateMessageText(message.text, message.blocks)).toEqual([]);
  });

  it('says so when nothing needs attention', () => {
    const digest = buildDigest(scope({ targets: [{ service: 'checkout', environment: 'production' }] }), emptyData({ assessments: [assessment()] }));
    const message = renderDigestMessage(digest, TO);
    expect(textOf(message.blocks)).toContain('Nothing needs attention.');
    expect(textOf(message.blocks)).toContain('*Deployments:* none');
  });

  it('stays within limits for 300 targets, 100 open incidents and long names, counting what it leaves out', () => {
    const targets = Array.from({ length: 300 }, (_, i) => ({ service: `service-with-a-long-name-${i}`, environment: 'production' }));
    const digest = buildDigest(
      scope({ targets }),
      emptyData({
        assessments: targets.map((target, i) => assessment({ ...target, verdict: i % 3 === 0 ? 'NO_GO' : 'GO', score: i % 100 })),
        incidentsOpen: Array.from({ length: 100 }, (_, i) => incident({ number: i + 1, service: null, environment: null, title: 'x'.repeat(400) })),
      }),
    );
    const message = renderDigestMessage(digest, TO);
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    expect(validateMessageText(message.text, message.blocks)).toEqual([]);
    expect(textOf(message.blocks)).toMatch(/…and \d+ more lines/);
  });

  it('shows incident titles and versions as text, never as mentions or links', () => {
    const digest = buildDigest(
      scope(),
      emptyData({
        incidentsOpen: [incident({ title: EVIL })],
        deployments: [deployment({ status: 'FAILED', version: EVIL })],
      }),
    );
    const message = renderDigestMessage({ ...digest, title: EVIL }, TO);
    // The header is plain_text, which Slack never reads as markup; everything else is mrkdwn.
    const [header, ...rest] = message.blocks;
    expect(header).toEqual({ type: 'header', text: { type: 'plain_text', text: EVIL, emoji: true } });
    const shown = textOf(rest) + message.text;
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<https://evil');
    expect(shown).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
  });
});

describe('renderDigestList', () => {
  it('lists each digest with its schedule, zone, channel and what it covers', () => {
    const text = renderDigestList({
      daily: { channel: 'C0RELEASES', schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin', services: ['checkout'], environments: ['production'] },
      weekly: { channel: 'C0SRE', schedule: '0 8 * * MON', timezone: 'UTC' },
    });
    expect(text).toContain('`/readiness digest &lt;name&gt;`');
    expect(text).toContain('• `daily` — `0 9 * * 1-5` (Europe/Berlin) to <#C0RELEASES>, covering `checkout` in `production`');
    expect(text).toContain('• `weekly` — `0 8 * * MON` (UTC) to <#C0SRE>, covering every service');
  });
});
