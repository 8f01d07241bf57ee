import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

// A service of its own: the test database is shared, and /metrics reports every service's latest verdict.
const service = `metrics-${randomUUID().slice(0, 8)}`;
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          services: {
            [service]: {
              environments: { staging: { vars: { baseUrl } } },
              checks: [{ id: 'health', name: 'Health', type: 'http', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'metrics test config',
      ),
  });
});
afterAll(async () => {
  await stack?.closeAll();
});

describe('/metrics on the bot’s admin listener', () => {
  it('serves Prometheus text with the queues and the latest verdict of what was assessed', async () => {
    const sent = await stack.run(`run ${service} staging`);
    const { assessment } = await stack.finished(sent.triggerId);
    const response = await fetch(new URL('/metrics', stack.adminUrl));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('readiness_source_up{source="redis"} 1');
    expect(text).toContain('readiness_source_up{source="database"} 1');
    expect(text).toMatch(/^readiness_queue_jobs\{queue="checks",state="completed"\} [1-9]\d*$/m);
    expect(text).toContain(`readiness_verdict{service="${service}",environment="staging",verdict="${assessment.verdict}"} 1`);
    expect(text).toContain(`readiness_score{service="${service}",environment="staging"} ${assessment.score}`);
  });
});
