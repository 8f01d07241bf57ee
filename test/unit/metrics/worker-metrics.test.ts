import { describe, expect, it } from 'vitest';
import { createSlackApiMetrics, slackMethodOf } from '../../../src/metrics/slack-api-metrics.ts';
import { createWorkerMetrics } from '../../../src/metrics/worker-metrics.ts';
import type { QueueReading } from '../../../src/status/system-state.ts';
import { silentLogger } from '../../../src/shared/logger.ts';

const NOW = Date.parse('2026-12-03T09:00:00Z');

function metrics(readQueues: () => Promise<QueueReading[]>) {
  const slackApi = createSlackApiMetrics();
  const worker = createWorkerMetrics({
    queueNames: ['checks', 'deployments'],
    readQueues,
    slackApi: slackApi.registry,
    logger: silentLogger,
    now: () => NOW,
  });
  return { worker, slackApi };
}

describe('createWorkerMetrics', () => {
  it('renders depth per state and the oldest waiting job’s age per queue', async () => {
    const { worker } = metrics(async () => [
      { queue: 'checks', counts: { waiting: 3, active: 1, delayed: 0, failed: 2 }, oldestWaitingSince: NOW - 90_000 },
      { queue: 'deployments', counts: { waiting: 0, active: 0, delayed: 1, failed: 0 }, oldestWaitingSince: undefined },
    ]);
    const text = await worker.render();
    expect(text).toContain('readiness_queue_jobs{queue="checks",state="waiting"} 3');
    expect(text).toContain('readiness_queue_jobs{queue="checks",state="failed"} 2');
    expect(text).toContain('readiness_queue_oldest_waiting_seconds{queue="checks"} 90');
    expect(text).toContain('readiness_queue_oldest_waiting_seconds{queue="deployments"} 0');
    expect(text).toContain('readiness_source_up{source="redis"} 1');
  });

  it('counts job attempts per queue and outcome, failures and stalls, from zero', async () => {
    const { worker, slackApi } = metrics(async () => []);
    expect(await worker.render()).toContain('readiness_job_failures_total{queue="deployments"} 0');
    worker.jobs.finished('checks', 'completed', 0.2);
    worker.jobs.finished('checks', 'failed', 3);
    worker.jobs.finished('checks', 'failed', undefined);
    worker.jobs.stalled('deployments');
    slackApi.retried('workers');
    slackApi.rateLimited('workers', 'chat.update');
    const text = await worker.render();
    expect(text).toContain('readiness_job_duration_seconds_count{queue="checks",outcome="completed"} 1');
    expect(text).toContain('readiness_job_duration_seconds_bucket{le="0.25",queue="checks",outcome="completed"} 1');
    expect(text).toContain('readiness_job_duration_seconds_count{queue="checks",outcome="failed"} 1');
    expect(text).toContain('readiness_job_failures_total{queue="checks"} 2');
    expect(text).toContain('readiness_job_stalls_total{queue="deployments"} 1');
    expect(text).toContain('readiness_slack_api_retries_total{client="workers"} 1');
    expect(text).toContain('readiness_slack_api_retries_total{client="commands"} 0');
    expect(text).toContain('readiness_slack_api_rate_limited_total{client="workers",method="chat.update"} 1');
  });

  it('still answers when Redis does not, saying which source is down', async () => {
    const { worker } = metrics(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    const text = await worker.render();
    expect(text).toContain('readiness_source_up{source="redis"} 0');
    expect(text).toContain('readiness_job_failures_total{queue="checks"} 0');
  });
});

describe('slackMethodOf', () => {
  it('keeps the Web API method name and nothing else', () => {
    expect(slackMethodOf('https://slack.com/api/chat.update')).toBe('chat.update');
    expect(slackMethodOf('http://127.0.0.1:4000/api/usergroups.users.list?x=1')).toBe('usergroups.users.list');
    expect(slackMethodOf('https://files.slack.com/upload/v1/ABC123')).toBe('other');
    expect(slackMethodOf('')).toBe('other');
  });
});
