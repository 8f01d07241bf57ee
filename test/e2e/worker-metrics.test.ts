import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.closeAll();
  stack = undefined;
});

/** The worker's /metrics as an operator's Prometheus reads it: sample lines by name and labels. */
async function scrape(adminUrl: string): Promise<string> {
  const response = await fetch(new URL('/metrics', adminUrl));
  expect(response.status).toBe(200);
  return response.text();
}

function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('a worker’s /metrics after jobs ran', () => {
  it('reports job durations, failures and stalls per queue, and the Slack API retries and 429s it went through', async () => {
    stack = await startTestStack({ slackRetries: 1, admin: { metricsCacheMs: 0 } });
    const workerAdmin = stack.workers?.adminUrl ?? '';
    // The message update fails twice (its retry too, so the render job's attempt fails), then Slack rate limits it.
    stack.standIn.failNext('chat.update', { status: 500 });
    stack.standIn.failNext('chat.update', { status: 500 });
    stack.standIn.failNext('chat.update', { status: 429, retryAfterSeconds: 1 });
    const sent = await stack.run('run example-api staging');
    const { message } = await stack.finished(sent.triggerId);
    expect(message.text).not.toContain('assessing…');

    const text = await until(async () => {
      const current = await scrape(workerAdmin);
      return (sample(current, 'readiness_slack_api_rate_limited_total', 'client="workers",method="chat.update"') ?? 0) >= 1 ? current : undefined;
    });
    expect(sample(text, 'readiness_job_duration_seconds_count', 'queue="checks",outcome="completed"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'readiness_job_duration_seconds_count', 'queue="assessments",outcome="completed"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'readiness_job_failures_total', 'queue="slack-render"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'readiness_job_failures_total', 'queue="checks"')).toBe(0);
    expect(sample(text, 'readiness_job_stalls_total', 'queue="deployments"')).toBe(0);
    expect(sample(text, 'readiness_slack_api_retries_total', 'client="workers"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'readiness_queue_jobs', 'queue="checks",state="waiting"')).toBe(0);
    expect(text).toContain('readiness_source_up{source="redis"} 1');
    // The bot serves the Slack API counters of its own clients too.
    expect(sample(await scrape(stack.adminUrl), 'readiness_slack_api_retries_total', 'client="commands"')).toBeGreaterThanOrEqual(0);
  });

  it('reports each queue’s depth and how long its oldest waiting job has waited', async () => {
    stack = await startTestStack({ admin: { metricsCacheMs: 0 } });
    const maintenance = stack.runtime.queues.queues.maintenance;
    // A paused queue keeps its jobs waiting; one added two minutes ago is two minutes behind.
    await maintenance.pause();
    await maintenance.add('purge-check-results', { day: '2026-01-01' }, { jobId: 'metrics-age-probe', timestamp: Date.now() - 120_000 });
    // A newer job behind it does not hide how long the first has waited.
    await maintenance.add('purge-check-results', { day: '2026-01-02' }, { jobId: 'metrics-age-probe-2', timestamp: Date.now() - 10_000 });
    const text = await scrape(stack.workers?.adminUrl ?? '');
    expect(sample(text, 'readiness_queue_jobs', 'queue="maintenance",state="waiting"')).toBe(2);
    expect(sample(text, 'readiness_queue_oldest_waiting_seconds', 'queue="maintenance"')).toBeGreaterThanOrEqual(119);
    expect(sample(text, 'readiness_queue_oldest_waiting_seconds', 'queue="escalations"')).toBe(0);
    await maintenance.remove('metrics-age-probe');
    await maintenance.remove('metrics-age-probe-2');
    await maintenance.resume();
  });
});

describe('log lines written while a job runs', () => {
  it('carry the job’s queue, jobId and the assessment it is about, though the code that logs passes none of them', async () => {
    const lines: string[] = [];
    stack = await startTestStack({ logger: createLogger('info', (line) => lines.push(line)) });
    stack.standIn.failNext('chat.update', { status: 429, retryAfterSeconds: 1 });
    const sent = await stack.run('run example-api staging');
    const { assessment } = await stack.finished(sent.triggerId);
    const rateLimited = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'slack rate limited a message update; pausing');
    expect(rateLimited).toMatchObject({ level: 'warn', queue: 'slack-render', jobName: 'render', assessmentId: assessment.id });
    expect(String(rateLimited?.jobId)).toMatch(new RegExp(`^render_${assessment.id}_`));
  });
});
