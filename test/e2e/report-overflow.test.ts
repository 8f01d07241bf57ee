import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { jobIds } from '../../src/queue/names.ts';
import { BLOCK_KIT_LIMITS } from '../../src/slack/block-kit-limits.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

const CHECKS = 200;

/** 200 checks against the local example service: every fourth answers 200, the rest 404 (a tenth of them critical). */
function wideConfig(baseUrl: string) {
  return parseReadinessConfig(
    {
      services: {
        wide: {
          environments: { staging: { vars: { baseUrl } } },
          checks: Array.from({ length: CHECKS }, (_, i) => ({
            id: `endpoint-${String(i).padStart(3, '0')}`,
            name: `Endpoint ${i} of the wide service answers`,
            type: 'http',
            severity: i % 10 === 1 ? 'critical' : 'high',
            url: i % 4 === 0 ? '{{baseUrl}}/healthz' : `{{baseUrl}}/missing/${i}`,
            timeoutMs: 5000,
          })),
        },
      },
    },
    'wide test config',
  );
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ configFor: wideConfig });
});
afterAll(async () => {
  await stack.closeAll();
});

const reportsIn = (messageTs: string): StoredMessage[] =>
  stack.standIn.threadReplies(stack.channelId, messageTs).filter((reply) => (reply.files?.length ?? 0) > 0);

const contentOf = (reply: StoredMessage, extension: string) =>
  stack.standIn.file(reply.files?.find((file) => file.name.endsWith(extension))?.id ?? '')?.content?.toString('utf8') ?? '';

describe('an assessment whose message cannot list every failing check', () => {
  it('stays within Block Kit limits, says the full list is in the thread, and gets its report there exactly once', async () => {
    const ack = await stack.run('run wide staging');
    const { assessment, message } = await stack.finished(ack.triggerId);
    expect(assessment.status).toBe('COMPLETED');
    expect(assessment.checks.filter((check) => check.status === 'FAIL')).toHaveLength(150);
    const messageTs = assessment.messageTs ?? '';

    // The stand-in refuses what Slack refuses, so the verdict reaching the channel already proves the limits held.
    expect(message.blocks?.length ?? 0).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.blocksPerMessage);
    for (const block of (message.blocks ?? []) as { text?: { text?: string } }[]) {
      expect(block.text?.text?.length ?? 0).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.sectionText);
    }
    const shown = JSON.stringify(message.blocks);
    expect(shown).toMatch(/…and \d+ more checks not shown — the full report, every check with its evidence, is in this thread/);

    const [report] = await stack.standIn.waitFor(() => (reportsIn(messageTs).length > 0 ? reportsIn(messageTs) : undefined), 20_000);
    expect(report?.text).toContain('The message above cannot list every check that needs attention');
    const json = JSON.parse(contentOf(report!, '.json')) as { checks: { id: string; status: string }[]; verdict: string; blockers: unknown[] };
    expect(json.verdict).toBe('NO_GO');
    expect(json.checks).toHaveLength(CHECKS);
    expect(json.checks.filter((check) => check.status === 'FAIL')).toHaveLength(150);
    expect(json.blockers).toHaveLength(20);
    const markdown = contentOf(report!, '.md');
    for (const check of json.checks) expect(markdown).toContain(`(\`${check.id}\`)`);

    // Exactly once: asking again is the same job, and even with that job gone from Redis the audit record holds.
    const jobId = jobIds.report(assessment.id, 'overflow');
    const job = await until(async () => {
      const found = await stack.runtime.queues.queues.reports.getJob(jobId);
      return (await found?.isCompleted()) ? found : undefined;
    });
    expect(job.returnvalue).toBe('posted');
    await stack.runtime.queues.reportScheduler.requestReport({ assessmentId: assessment.id, key: 'overflow', requestedBy: 'system' });
    expect(await stack.runtime.queues.queues.reports.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);

    await job.remove();
    await stack.runtime.queues.reportScheduler.requestReport({ assessmentId: assessment.id, key: 'overflow', requestedBy: 'system' });
    const rerun = await until(async () => {
      const found = await stack.runtime.queues.queues.reports.getJob(jobId);
      return (await found?.isCompleted()) ? found : undefined;
    });
    expect(rerun.returnvalue).toBe('already_posted');
    expect(reportsIn(messageTs)).toHaveLength(1);
    expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: assessment.id, action: 'report.posted' } })).toBe(1);
  });
});
