import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIds } from '../../src/queue/names.ts';
import { commandReportKey } from '../../src/reports/request-report.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { ackText, startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

let stack: TestStack;
let assessment: { id: string; messageTs: string | null; verdict: string | null; score: number | null };
beforeAll(async () => {
  stack = await startTestStack();
  // A NO-GO with a failing critical check: the report has a blocker and evidence worth reading.
  stack.target.setHealthy(false);
  try {
    const ack = await stack.run('run example-api staging');
    ({ assessment } = await stack.finished(ack.triggerId));
  } finally {
    stack.target.setHealthy(true);
  }
});
afterAll(async () => {
  await stack.closeAll();
});

/** The ephemeral answer posted to the command's response_url after the ack. */
const answerTo = (responseUrl: string) =>
  stack.standIn.waitFor(() => {
    const posted = stack.standIn.responses.find((response) => response.url === responseUrl);
    return posted ? String(posted.body.text) : undefined;
  });

const repliesWithFiles = (): StoredMessage[] =>
  stack.standIn.threadReplies(stack.channelId, assessment.messageTs ?? '').filter((reply) => (reply.files?.length ?? 0) > 0);

const contentOf = (reply: StoredMessage, extension: string) => {
  const ref = reply.files?.find((file) => file.name.endsWith(extension));
  return stack.standIn.file(ref?.id ?? '')?.content?.toString('utf8') ?? '';
};

async function reportJobDone(triggerId: string) {
  const jobId = jobIds.report(assessment.id, commandReportKey(triggerId));
  return until(async () => (await (await stack.runtime.queues.queues.reports.getJob(jobId))?.isCompleted()) === true);
}

describe('/readiness report <assessment>', () => {
  it('acks at once, then posts the Markdown and JSON report into the thread of the assessment message', async () => {
    const shortId = assessment.id.slice(0, 8);
    const ack = await stack.run(`report ${shortId}`);
    expect(ack.status).toBe(200);
    expect(ack.latencyMs).toBeLessThan(3000); // Slack's protocol limit, not a performance target
    expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
    expect(ackText(ack)).toContain(`Looking for assessment \`${shortId}\``);
    expect(await answerTo(ack.responseUrl)).toBe(
      `:page_facing_up: Posting the full report of *example-api → staging* (assessment \`${shortId}\`) in the thread of its message in <#${stack.channelId}>.`,
    );

    const [reply] = await stack.standIn.waitFor(() => (repliesWithFiles().length > 0 ? repliesWithFiles() : undefined));
    expect(reply?.threadTs).toBe(assessment.messageTs);
    expect(reply?.text).toContain(`as <@${USER}> asked: *NO-GO*`);
    expect(reply?.files?.map((file) => file.name)).toEqual([
      `readiness-example-api-staging-${shortId}.md`,
      `readiness-example-api-staging-${shortId}.json`,
    ]);

    const json = JSON.parse(contentOf(reply!, '.json')) as Record<string, unknown> & { checks: { id: string; status: string; evidence: unknown }[] };
    expect(json).toMatchObject({
      service: 'example-api',
      env: 'staging',
      verdict: assessment.verdict,
      score: assessment.score,
      risk: 'critical',
      assessment: { id: assessment.id, status: 'COMPLETED', requestedBy: USER },
    });
    expect(json.checks.map((c) => [c.id, c.status]).sort()).toEqual([
      ['docs', 'FAIL'],
      ['health', 'FAIL'],
    ]);
    expect(json.checks.every((c) => c.evidence !== null && typeof c.evidence === 'object')).toBe(true);

    const markdown = contentOf(reply!, '.md');
    expect(markdown).toMatch(/^# Readiness report: example-api → staging\n\n\*\*NO-GO\*\* · score 0\.0 \/ 100 · risk critical\n/);
    expect(markdown).toContain('## Blockers');
    expect(markdown).toContain('answered 503');
    for (const id of ['health', 'docs']) expect(markdown).toContain(`\`${id}\` · `);

    await reportJobDone(ack.triggerId);
    const audit = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: assessment.id, action: 'report.posted' } });
    expect(audit.map((event) => event.actor)).toEqual([USER]);
  });

  it('posts once when Slack delivers the same command twice', async () => {
    const before = repliesWithFiles().length;
    const triggerId = '111111111111.22222222222.redelivered0000000000000000000000';
    const first = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
      text: `report ${assessment.id}`,
      userId: USER,
      channelId: stack.channelId,
      triggerId,
    });
    const again = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
      text: `report ${assessment.id}`,
      userId: USER,
      channelId: stack.channelId,
      triggerId,
    });
    expect(await answerTo(first.responseUrl)).toContain('Posting the full report');
    expect(await answerTo(again.responseUrl)).toContain('Posting the full report');
    await reportJobDone(triggerId);
    expect(await stack.runtime.queues.queues.reports.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
    expect(repliesWithFiles()).toHaveLength(before + 1);
  });

  it('answers an unknown id, and posts nothing', async () => {
    const uploads = stack.standIn.callsTo('files.completeUploadExternal').length;
    const ack = await stack.run('report deadbeef');
    expect(await answerTo(ack.responseUrl)).toMatch(/^There is no assessment `deadbeef`\. Use the 8-character id from the footer/);
    expect(stack.standIn.callsTo('files.completeUploadExternal')).toHaveLength(uploads);
  });

  it('lists the assessments an ambiguous short id matches, and tells a running one to wait', async () => {
    const ids = ['abcdef01-0000-4000-8000-000000000001', 'abcdef01-ffff-4000-8000-000000000002'];
    for (const [index, id] of ids.entries()) {
      await stack.runtime.db.assessment.create({
        data: {
          id,
          service: 'checkout',
          environment: index === 0 ? 'staging' : 'production',
          requestKey: `ambiguous-${id}`,
          requestedBy: USER,
          channelId: stack.channelId,
        },
      });
    }
    const ambiguous = await stack.run('report abcdef01');
    const answer = await answerTo(ambiguous.responseUrl);
    expect(answer).toMatch(/^`abcdef01` matches more than one assessment:\n/);
    for (const id of ids) expect(answer).toContain(`\`${id}\``);
    expect(answer).toContain('Run `/readiness report` again with the full id of the one you mean.');

    const running = await stack.run(`report ${ids[0]}`);
    expect(await answerTo(running.responseUrl)).toBe(
      'Assessment `abcdef01` of *checkout → staging* is still running (0 of 0 checks done). Its report will be available when it finishes — the message will show the verdict; ask again then.',
    );
  });

  it('explains what it expected when the id is malformed, escaping what was typed', async () => {
    const ack = await stack.run('report <!channel>');
    expect(ackText(ack)).toMatch(/^`&lt;!channel&gt;` is not an assessment id\. Usage: `\/readiness report &lt;assessment&gt;`/);
  });
});
