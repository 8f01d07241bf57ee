import { describe, expect, it } from 'vitest';
import { buildReportDocument } from '../../../src/reports/report-document.ts';
import { reportComment, reportRequestAnswer } from '../../../src/slack/views/report-replies.ts';
import { check, completedView, EXAMPLE_CHECKS, specsOf } from './fixtures.ts';

const view = completedView(EXAMPLE_CHECKS);
const document = buildReportDocument(view, specsOf(EXAMPLE_CHECKS));

/** Slack markup the bot did not build itself: any `<…>` other than the given mentions and channel links. */
const strayMarkup = (text: string, allowed: string[]) => allowed.reduce((rest, markup) => rest.replaceAll(markup, ''), text).match(/[<>]/g);

describe('reportComment: the text posted with the files', () => {
  it('names the assessment, its verdict and score, and who asked', () => {
    const text = reportComment(document, { key: 'abc123', requestedBy: 'U0ASKER' });
    expect(text).toBe(
      ':page_facing_up: Here is the full report of *checkout → production* (assessment `3f2c9a7e`), as <@U0ASKER> asked: *NO-GO*, score 35.7 / 100, every check with its evidence.',
    );
  });

  it('says why when the message overflowed, and mentions nobody', () => {
    const text = reportComment(document, { key: 'overflow', requestedBy: 'system' });
    expect(text).toContain('The message above cannot list every check that needs attention');
    expect(text).not.toMatch(/<@/);
  });
});

describe('reportRequestAnswer: the ephemeral answer to /readiness report', () => {
  it('says where the report is being posted', () => {
    expect(reportRequestAnswer({ ok: true, assessment: view }, '3f2c9a7e')).toBe(
      ':page_facing_up: Posting the full report of *checkout → production* (assessment `3f2c9a7e`) in the thread of its message in <#C0123ABCD>.',
    );
  });

  it('explains an unknown id and what would work', () => {
    expect(reportRequestAnswer({ ok: false, reason: 'not_found' }, 'deadbeef')).toMatch(
      /^There is no assessment `deadbeef`\. Use the 8-character id from the footer of an assessment message/,
    );
  });

  it('lists the assessments an ambiguous id matches, with their full ids', () => {
    const candidates = [
      {
        id: 'aaaaaaaa-0000-4000-8000-000000000001',
        service: 'checkout',
        environment: 'production',
        status: 'COMPLETED' as const,
        channelId: 'C0ONE',
        createdAt: new Date('2025-03-04T10:00:00Z'),
      },
      {
        id: 'aaaaaaaa-0000-4000-8000-000000000002',
        service: 'billing',
        environment: 'staging',
        status: 'RUNNING' as const,
        channelId: 'C0TWO',
        createdAt: new Date('2025-03-05T11:30:00Z'),
      },
    ];
    const text = reportRequestAnswer({ ok: false, reason: 'ambiguous', candidates, more: false }, 'aaaaaaaa');
    expect(text).toBe(
      [
        '`aaaaaaaa` matches more than one assessment:',
        '• *checkout → production*, 2025-03-04 10:00 UTC: `aaaaaaaa-0000-4000-8000-000000000001`',
        '• *billing → staging*, 2025-03-05 11:30 UTC: `aaaaaaaa-0000-4000-8000-000000000002`',
        'Run `/readiness report` again with the full id of the one you mean.',
      ].join('\n'),
    );
    expect(reportRequestAnswer({ ok: false, reason: 'ambiguous', candidates, more: true }, 'aaaaaaaa')).toContain('• …and more');
  });

  it('tells a still-running assessment that its report comes when it finishes', () => {
    const running = completedView([check('a', 'PASS'), check('b', 'PENDING')], { status: 'RUNNING', verdict: null, score: null, completedAt: null });
    expect(reportRequestAnswer({ ok: false, reason: 'still_running', assessment: running }, '3f2c9a7e')).toBe(
      'Assessment `3f2c9a7e` of *checkout → production* is still running (1 of 2 checks done). Its report will be available when it finishes — the message will show the verdict; ask again then.',
    );
  });

  it('escapes the failure reason of an assessment that could not finish', () => {
    const failed = completedView(EXAMPLE_CHECKS, { status: 'FAILED', failureReason: 'redis said <!channel> & left' });
    const text = reportRequestAnswer({ ok: false, reason: 'could_not_finish', assessment: failed }, '3f2c9a7e');
    expect(text).toContain('(redis said &lt;!channel&gt; &amp; left)');
    expect(text).toContain('Run `/readiness run checkout production` to assess again.');
    expect(strayMarkup(text, [])).toBeNull();
  });

  it('never turns stored text into markup: only the channel link it builds itself', () => {
    const hostile = completedView(EXAMPLE_CHECKS, { service: '<!here>', channelId: '<!channel>' });
    const text = reportRequestAnswer({ ok: true, assessment: hostile }, '3f2c9a7e');
    expect(strayMarkup(text, [])).toBeNull();
  });
});
