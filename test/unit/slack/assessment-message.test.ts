import { describe, expect, it } from 'vitest';
import type { AssessmentView, CheckResultView } from '../../../src/assessments/assessment.types.ts';
import { scoreAssessment, type CheckStatus } from '../../../src/readiness/score.ts';
import { BLOCK_KIT_LIMITS, validateBlocks, validateMessageText } from '../../../src/slack/block-kit-limits.ts';
import { ids } from '../../../src/slack/ids.ts';
import { renderAssessmentMessage, type SlackMessage } from '../../../src/slack/views/assessment-message.ts';
import { checkResult } from '../../support/fixtures/check-result.ts';

const CREATED_AT = new Date('2025-03-04T10:00:00.000Z');
const COMPLETED_AT = new Date('2025-03-04T10:00:12.000Z');

function view(overrides: Partial<AssessmentView> = {}): AssessmentView {
  return {
    id: '3f2c9a7e-1b4d-4c5e-9f60-123456789abc',
    service: 'checkout',
    environment: 'production',
    thresholds: { go: 95, caution: 80 },
    status: 'RUNNING',
    requestedBy: 'U0123ABCD',
    channelId: 'C0123ABCD',
    messageTs: '1741082400.000100',
    score: null,
    verdict: null,
    failureReason: null,
    createdAt: CREATED_AT,
    completedAt: null,
    checks: [],
    ...overrides,
  };
}

/** A completed view whose score and verdict are what the scorer says about its checks. */
function completed(checks: CheckResultView[], overrides: Partial<AssessmentView> = {}): AssessmentView {
  const { score, verdict } = scoreAssessment(checks);
  return view({ status: 'COMPLETED', score, verdict, completedAt: COMPLETED_AT, checks, ...overrides });
}

function expectValid(message: SlackMessage): void {
  expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  expect(validateMessageText(message.text, message.blocks)).toEqual([]);
}

function blockText(message: SlackMessage, blockId: string): string {
  const block = message.blocks.find((candidate) => candidate.block_id === blockId);
  const text = (block?.text as { text?: unknown } | undefined)?.text;
  if (typeof text !== 'string') throw new Error(`no text in block ${blockId}`);
  return text;
}

const allText = (message: SlackMessage) => JSON.stringify(message);

const EXAMPLE_CHECKS = {
  health: checkResult('health', 'PASS', { name: 'Health endpoint answers', severity: 'critical', message: 'HTTP 200 in 38 ms' }),
  orders: checkResult('orders', 'PASS', { name: 'Orders API is fast', category: 'performance', message: 'p95 120 ms' }),
  search: checkResult('search', 'WARN', {
    name: 'Search API is fast',
    category: 'performance',
    severity: 'medium',
    message: 'took 412 ms, budget is 250 ms',
  }),
  docs: checkResult('docs', 'SKIPPED', { name: 'API docs are published', severity: 'low', message: 'not in production' }),
};

describe('renderAssessmentMessage: snapshots', () => {
  it('renders a running assessment', () => {
    const message = renderAssessmentMessage(
      view({
        checks: [
          EXAMPLE_CHECKS.health,
          checkResult('orders', 'PENDING', { name: 'Orders API is fast' }),
          checkResult('search', 'FAIL', { name: 'Search API is fast', message: 'HTTP 503' }),
          checkResult('docs', 'PENDING', { name: 'API docs are published' }),
        ],
      }),
    );
    expectValid(message);
    expect(blockText(message, ids.blocks.assessmentStatus)).toContain('2 of 4 checks done');
    expect(message).toMatchSnapshot();
  });

  it('renders a completed GO', () => {
    const checks = [EXAMPLE_CHECKS.health, EXAMPLE_CHECKS.orders, EXAMPLE_CHECKS.docs];
    const message = renderAssessmentMessage(completed(checks));
    expectValid(message);
    expect(message.text).toBe('Readiness checkout → production: GO');
    expect(blockText(message, ids.blocks.assessmentStatus)).toBe(':large_green_circle: *GO* · readiness score *100.0* / 100');
    expect(message).toMatchSnapshot();
  });

  it('renders a completed NO-GO with a critical blocker', () => {
    const checks = [
      checkResult('health', 'FAIL', {
        name: 'Health endpoint answers',
        severity: 'critical',
        message: 'expected HTTP 200, got 503',
      }),
      EXAMPLE_CHECKS.orders,
      EXAMPLE_CHECKS.search,
    ];
    const message = renderAssessmentMessage(completed(checks));
    expectValid(message);
    expect(message.text).toBe('Readiness checkout → production: NO-GO');
    expect(blockText(message, ids.blocks.assessmentStatus)).toMatch(/^:red_circle: \*NO-GO\*/);
    expect(blockText(message, ids.blocks.assessmentBlockers)).toContain(
      'critical check "Health endpoint answers" is FAIL: expected HTTP 200, got 503',
    );
    expect(message).toMatchSnapshot();
  });

  it('renders an assessment that could not finish', () => {
    const message = renderAssessmentMessage(
      view({
        status: 'FAILED',
        failureReason: 'the check queue did not answer within 60 s',
        checks: [EXAMPLE_CHECKS.health, checkResult('orders', 'PENDING', { name: 'Orders API is fast' })],
      }),
    );
    expectValid(message);
    expect(message.text).toBe('Readiness checkout → production: the assessment could not finish');
    expect(blockText(message, ids.blocks.assessmentStatus)).toContain('the check queue did not answer within 60 s');
    expect(message).toMatchSnapshot();
  });
});

describe('renderAssessmentMessage: could not assess', () => {
  it('says there is no verdict, why, and how to run it again; no buttons', () => {
    const message = renderAssessmentMessage(
      view({
        status: 'UNASSESSABLE',
        verdict: null,
        score: null,
        failureReason: 'the database did not answer for 60 s',
        checks: [EXAMPLE_CHECKS.health],
      }),
    );
    expectValid(message);
    expect(message.text).toBe('Readiness checkout → production: could not assess (no verdict)');
    const status = blockText(message, ids.blocks.assessmentStatus);
    expect(status).toContain('Could not assess');
    expect(status).toContain('the database did not answer for 60 s');
    expect(status).toContain('/readiness run checkout production');
    expect(JSON.stringify(message)).not.toMatch(/NO-GO|NO_GO/);
  });
});

describe('renderAssessmentMessage: content', () => {
  it('puts the verdict first, then the blockers, the category scores and the checks', () => {
    const checks = [checkResult('health', 'FAIL', { severity: 'critical' }), checkResult('orders', 'PASS')];
    const message = renderAssessmentMessage(completed(checks));
    const order = message.blocks.map((block) => block.block_id);
    expect(order).toEqual([
      ids.blocks.assessmentHeader,
      ids.blocks.assessmentStatus,
      ids.blocks.assessmentBlockers,
      ids.blocks.assessmentCategories,
      ids.blocks.assessmentChecks,
      ids.blocks.assessmentFooter,
    ]);
    const text = allText(message);
    expect(text.indexOf('NO-GO')).toBeLessThan(text.indexOf('Check health'));
  });

  it('shows GO WITH CAUTION with its score', () => {
    const checks = [checkResult('a', 'PASS', { weight: 9 }), checkResult('b', 'FAIL', { weight: 1, message: 'slow' })];
    const message = renderAssessmentMessage(completed(checks));
    expect(message.text).toBe('Readiness checkout → production: GO WITH CAUTION');
    expect(blockText(message, ids.blocks.assessmentStatus)).toBe(':large_yellow_circle: *GO WITH CAUTION* · readiness score *90.0* / 100');
  });

  it('folds passing checks into a count once completed, listing what needs attention', () => {
    const checks = [
      checkResult('a', 'PASS', { name: 'Alpha' }),
      checkResult('b', 'WARN', { name: 'Bravo', message: 'slow' }),
      checkResult('c', 'PASS', { name: 'Charlie' }),
      checkResult('d', 'PASS', { name: 'Delta' }),
    ];
    const text = blockText(renderAssessmentMessage(completed(checks)), ids.blocks.assessmentChecks);
    expect(text).toContain(':warning: *Bravo* — slow');
    expect(text).toContain(':white_check_mark: 3 checks passed');
    expect(text).not.toContain('Alpha');
    expect(text).not.toContain('Charlie');
  });

  it('says "1 check passed" in the singular', () => {
    const checks = [checkResult('a', 'PASS'), checkResult('b', 'FAIL')];
    const text = blockText(renderAssessmentMessage(completed(checks)), ids.blocks.assessmentChecks);
    expect(text).toContain('1 check passed');
  });

  it('lists every check, passing ones included, while running', () => {
    const checks = [checkResult('a', 'PASS', { name: 'Alpha' }), checkResult('b', 'PENDING', { name: 'Bravo' })];
    const text = blockText(renderAssessmentMessage(view({ checks })), ids.blocks.assessmentChecks);
    expect(text).toBe(':white_check_mark: *Alpha*\n:hourglass_flowing_sand: *Bravo*');
  });

  it('shows no blockers section for a NO-GO without critical failures', () => {
    const checks = [checkResult('a', 'FAIL'), checkResult('b', 'FAIL')];
    const message = renderAssessmentMessage(completed(checks));
    expect(message.blocks.map((block) => block.block_id)).not.toContain(ids.blocks.assessmentBlockers);
    expect(blockText(message, ids.blocks.assessmentStatus)).toMatch(/NO-GO/);
  });

  it('says why when no check applied to the environment', () => {
    const checks = [checkResult('a', 'SKIPPED'), checkResult('b', 'SKIPPED')];
    const message = renderAssessmentMessage(completed(checks));
    expectValid(message);
    expect(blockText(message, ids.blocks.assessmentBlockers)).toMatch(/nothing was verified/);
  });

  it('mentions the requester and shows a short assessment reference', () => {
    const footer = renderAssessmentMessage(view()).blocks.at(-1);
    expect(JSON.stringify(footer)).toContain('Requested by <@U0123ABCD> · assessment `3f2c9a7e`');
  });

  it('renders an assessment with no checks yet', () => {
    const message = renderAssessmentMessage(view({ status: 'QUEUED' }));
    expectValid(message);
    expect(message.text).toBe('Readiness checkout → production: assessing…');
    expect(blockText(message, ids.blocks.assessmentStatus)).toContain('0 of 0 checks done');
  });

  // BUG: skipped checks are added to the "N checks passed" count, so a NO-GO with one pass and nine skipped
  // checks tells the channel "10 checks passed".
  it('does not count skipped checks as passed', () => {
    const checks = [checkResult('a', 'PASS'), checkResult('b', 'SKIPPED'), checkResult('c', 'SKIPPED'), checkResult('d', 'FAIL')];
    const text = blockText(renderAssessmentMessage(completed(checks)), ids.blocks.assessmentChecks);
    expect(text).toContain('1 check passed');
  });
});

describe('renderAssessmentMessage: escaping', () => {
  const hostile = [
    checkResult('a', 'FAIL', {
      name: 'Banner <https://x|y>',
      severity: 'critical',
      message: 'body said <!channel> & <https://x|y>',
    }),
    checkResult('b', 'WARN', { name: '<!here> check', message: '<@U999> please look' }),
  ];

  function expectNoRawMarkup(message: SlackMessage): void {
    const text = allText(message);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<https://x|y>');
    expect(text).not.toContain('<@U999>');
    // The only markup the message may carry is the requester mention it builds itself.
    expect(text.replace('<@U0123ABCD>', '')).not.toMatch(/[<>]/);
  }

  it('escapes check names and messages while running', () => {
    const message = renderAssessmentMessage(view({ checks: hostile }));
    expectNoRawMarkup(message);
    const text = blockText(message, ids.blocks.assessmentChecks);
    expect(text).toContain('body said &lt;!channel&gt; &amp; &lt;https://x|y&gt;');
    expect(text).toContain('Banner &lt;https://x|y&gt;');
  });

  it('escapes check names and messages in blockers and checks once completed', () => {
    const message = renderAssessmentMessage(completed(hostile));
    expectNoRawMarkup(message);
    expect(blockText(message, ids.blocks.assessmentBlockers)).toContain(
      'critical check "Banner &lt;https://x|y&gt;" is FAIL: body said &lt;!channel&gt; &amp; &lt;https://x|y&gt;',
    );
    expect(blockText(message, ids.blocks.assessmentChecks)).toContain('&lt;!here&gt; check');
  });

  it('escapes the failure reason', () => {
    const message = renderAssessmentMessage(view({ status: 'FAILED', failureReason: 'redis said <!channel>' }));
    expectNoRawMarkup(message);
    expect(blockText(message, ids.blocks.assessmentStatus)).toContain('redis said &lt;!channel&gt;');
  });

  it('does not turn a requester that is not a user id into markup', () => {
    const message = renderAssessmentMessage(view({ requestedBy: '<!channel>' }));
    expect(allText(message)).not.toContain('<!channel>');
  });
});

describe('renderAssessmentMessage: 200 checks', () => {
  const longName = (i: number) => `Check #${i} ${'verifies a long chain of dependencies '.repeat(6)}`.slice(0, 200);
  const longMessage = (i: number) => `Check #${i} said ${'<&> '.repeat(200)}`;
  const statuses: CheckStatus[] = ['PASS', 'WARN', 'FAIL', 'ERROR', 'PENDING', 'SKIPPED'];
  const many = (statusOf: (i: number) => CheckStatus) =>
    Array.from({ length: 200 }, (_, i) =>
      checkResult(`check-${i}`, statusOf(i), {
        name: longName(i),
        message: longMessage(i),
        severity: i % 10 === 0 ? 'critical' : 'high',
      }),
    );

  function expectWithinLimits(message: SlackMessage): void {
    expectValid(message);
    expect(message.blocks.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.blocksPerMessage);
    for (const block of message.blocks) {
      const text = (block.text as { text?: string } | undefined)?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.sectionText);
    }
  }

  /** Lines of the checks section that show one check each, and the "…and N more" count. */
  function shownAndHidden(text: string): { shown: number; hidden: number } {
    const lines = text.split('\n');
    const overflow = /^…and (\d+) more/.exec(lines.at(-1) ?? '');
    if (!overflow) throw new Error(`expected an "…and N more" line, got: ${lines.at(-1)}`);
    return { shown: lines.length - 1, hidden: Number(overflow[1]) };
  }

  it('stays within Block Kit limits while running and says how many checks were folded', () => {
    const message = renderAssessmentMessage(view({ checks: many((i) => statuses[i % statuses.length] ?? 'PENDING') }));
    expectWithinLimits(message);
    const text = blockText(message, ids.blocks.assessmentChecks);
    expect(text).toMatch(/\n…and \d+ more checks$/);
    const { shown, hidden } = shownAndHidden(text);
    expect(shown).toBeGreaterThan(0);
    expect(shown + hidden).toBe(200);
    expect(blockText(message, ids.blocks.assessmentStatus)).toContain('of 200 checks done');
  });

  it('stays within Block Kit limits once completed and says how many were folded', () => {
    const checks = many((i) => (i % 2 === 0 ? 'FAIL' : 'ERROR'));
    const message = renderAssessmentMessage(completed(checks));
    expectWithinLimits(message);
    const { shown, hidden } = shownAndHidden(blockText(message, ids.blocks.assessmentChecks));
    expect(shown + hidden).toBe(200);
    // 20 critical failures: the blockers section folds too.
    const blockers = blockText(message, ids.blocks.assessmentBlockers);
    expect(blockers).toMatch(/\n…and \d+ more blockers — the full report, every check with its evidence, is in this thread$/);
    const blockerLines = blockers.split('\n').slice(1);
    expect(blockerLines.length - 1 + Number(/(\d+) more blockers/.exec(blockers)?.[1])).toBe(20);
  });

  it('stays within Block Kit limits with a mix of statuses once completed', () => {
    const message = renderAssessmentMessage(completed(many((i) => statuses[i % statuses.length] ?? 'PASS')));
    expectWithinLimits(message);
    expect(blockText(message, ids.blocks.assessmentChecks)).toMatch(/…and \d+ more/);
  });

  // BUG: when the list overflows, the "N checks passed" summary line is counted as one hidden item, so with 150
  // failures and 50 passes the message says "…and 145 more" although 194 checks are not shown.
  it('counts every folded check, passing ones included, in "…and N more"', () => {
    const checks = many((i) => (i < 150 ? 'FAIL' : 'PASS'));
    const text = blockText(renderAssessmentMessage(completed(checks)), ids.blocks.assessmentChecks);
    const { shown, hidden } = shownAndHidden(text);
    expect(shown + hidden).toBe(200);
  });
});

describe('renderAssessmentMessage: manual checks', () => {
  const manual = { role: 'release-manager', instructions: 'Read the <https://evil.example|runbook>', validForMs: 7_200_000 };
  const pendingManual = (id: string) =>
    checkResult(id, 'PENDING', {
      type: 'manual',
      severity: 'critical',
      manual,
      message: 'waiting for a member of the release-manager role to attest it',
    });

  it('offers an Attest button per waiting manual check, carrying the assessment and check ids', () => {
    const message = renderAssessmentMessage(completed([checkResult('health', 'PASS'), pendingManual('runbook')]));
    const block = message.blocks.find((candidate) => candidate.block_id === `${ids.blocks.attestPrefix}runbook`);
    expect(block).toMatchObject({
      type: 'section',
      accessory: { type: 'button', action_id: ids.actions.attestCheck, value: '3f2c9a7e-1b4d-4c5e-9f60-123456789abc/runbook' },
    });
    const text = JSON.stringify(block);
    expect(text).toContain('needs a member of *release-manager* to attest it');
    expect(text).toContain('&lt;https://evil.example|runbook&gt;');
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    expect(message).toMatchSnapshot();
  });

  it('offers no buttons on an assessment that could not finish', () => {
    const message = renderAssessmentMessage(view({ status: 'FAILED', failureReason: 'queue down', checks: [pendingManual('runbook')] }));
    expect(JSON.stringify(message.blocks)).not.toContain(ids.actions.attestCheck);
  });

  it('caps the buttons at ten and says how many more wait, staying inside Block Kit limits', () => {
    const checks = Array.from({ length: 30 }, (_, index) => pendingManual(`manual-${String(index).padStart(2, '0')}`));
    const message = renderAssessmentMessage(completed(checks));
    expect(message.blocks.filter((block) => String(block.block_id).startsWith(ids.blocks.attestPrefix))).toHaveLength(11);
    expect(JSON.stringify(message.blocks)).toContain('…and 20 more manual checks');
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  });

  it('shows who attested a passing manual check, with a real mention, instead of folding it into the count', () => {
    const attested = checkResult('runbook', 'PASS', {
      type: 'manual',
      manual,
      message: 'attested by U0RM (release-manager) at 2025-03-04T09:00:00.000Z; valid until 2025-03-04T11:00:00.000Z',
      evidence: {
        attestedBy: 'U0RM',
        role: 'release-manager',
        attestedAt: '2025-03-04T09:00:00.000Z',
        expiresAt: '2025-03-04T11:00:00.000Z',
        carriedFromAssessment: 'x',
      },
    });
    const text = JSON.stringify(renderAssessmentMessage(completed([checkResult('health', 'PASS'), attested])).blocks);
    expect(text).toContain('*Check runbook* — attested by <@U0RM> (carried over), valid until 2025-03-04 11:00 UTC');
    expect(text).toContain('1 check passed');
  });
});
