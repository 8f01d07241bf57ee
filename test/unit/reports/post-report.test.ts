import { describe, expect, it } from 'vitest';
import { postReport, type PostReportDeps } from '../../../src/reports/post-report.ts';
import type { PostedReport, ReportDelivery } from '../../../src/reports/report.ports.ts';
import { reportPoster } from '../../../src/slack/report-poster.ts';
import type { ThreadUpload } from '../../../src/slack/thread-upload.ts';
import { ASSESSMENT_ID, check, completedView, specsOf } from './fixtures.ts';

const checks = [check('health', 'PASS'), check('latency', 'FAIL')];
const request = { assessmentId: ASSESSMENT_ID, key: 'abc123', requestedBy: 'U0REQUEST' };

/** postReport over an in-memory repository; `posted` says which report keys were recorded. */
function deps(view = completedView(checks), posted = new Set<string>()) {
  const deliveries: ReportDelivery[] = [];
  const recorded: PostedReport[] = [];
  const value: PostReportDeps = {
    assessments: { find: async (id) => (id === view.id ? view : undefined) },
    reports: {
      checkSpecs: async () => specsOf(checks),
      wasPosted: async (_id, key) => posted.has(key),
      recordPosted: async (report) => {
        recorded.push(report);
        return true;
      },
    },
    poster: {
      postInThread: async (delivery) => {
        deliveries.push(delivery);
        return { fileNames: ['a.md', 'a.json'] };
      },
    },
  };
  return { value, deliveries, recorded };
}

describe('postReport', () => {
  it('hands the report to the poster in the thread of the message, and records the files it shared', async () => {
    const { value, deliveries, recorded } = deps();
    expect(await postReport(value, request)).toBe('posted');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ channel: 'C0123ABCD', threadTs: '1741082400.000100', request });
    expect(deliveries[0]?.document.assessment.id).toBe(ASSESSMENT_ID);
    expect(recorded).toEqual([{ ...request, threadTs: '1741082400.000100', fileNames: ['a.md', 'a.json'] }]);
  });

  it('posts nothing for a report already posted, an unfinished assessment, or one without a message', async () => {
    const cases = [
      { setup: deps(completedView(checks), new Set([request.key])), expected: 'already_posted' },
      { setup: deps(completedView(checks, { status: 'RUNNING' })), expected: 'not_finished' },
      { setup: deps(completedView(checks, { messageTs: null })), expected: 'no_message_yet' },
    ];
    for (const { setup, expected } of cases) {
      expect(await postReport(setup.value, request)).toBe(expected);
      expect(setup.deliveries).toHaveLength(0);
      expect(setup.recorded).toHaveLength(0);
    }
  });
});

describe('the Slack report poster', () => {
  it('shares the Markdown and JSON files in one reply, with a comment naming who asked', async () => {
    const uploads: ThreadUpload[] = [];
    const poster = reportPoster({
      uploadToThread: async (upload) => {
        uploads.push(upload);
      },
    });
    const { value, recorded } = deps();
    await postReport({ ...value, poster }, request);

    expect(uploads).toHaveLength(1);
    const [upload] = uploads;
    expect(upload?.files.map((file) => file.filename)).toEqual([
      'readiness-checkout-production-3f2c9a7e.md',
      'readiness-checkout-production-3f2c9a7e.json',
    ]);
    expect(upload?.files[0]?.title).toBe('Readiness report · checkout → production');
    expect(JSON.parse(upload?.files[1]?.content ?? '')).toMatchObject({ assessment: { id: ASSESSMENT_ID } });
    expect(upload?.comment).toContain('<@U0REQUEST>');
    expect(upload).toMatchObject({ channel: 'C0123ABCD', threadTs: '1741082400.000100' });
    expect(recorded[0]?.fileNames).toEqual(upload?.files.map((file) => file.filename));
  });
});
