import { describe, expect, it } from 'vitest';
import { createReadinessMetrics, type MetricsSources } from '../../../src/metrics/readiness-metrics.ts';
import { silentLogger } from '../../../src/shared/logger.ts';

const state = {
  assessments: [{ status: 'RUNNING', count: 2 }],
  deployments: [{ status: 'ROLLING_BACK', count: 1 }],
  incidents: [{ status: 'OPEN', severity: 'SEV1', count: 1 }],
  latest: [
    { service: 'checkout', environment: 'production', verdict: 'GO_WITH_CAUTION', score: 87.5, completedAt: new Date('2026-12-01T09:00:00Z') },
  ],
  unassessableLastDay: 4,
};

const sources = (overrides: Partial<MetricsSources> = {}): MetricsSources => ({
  queueCounts: async () => ({ checks: { waiting: 3, active: 1 }, digests: { failed: 0 } }),
  stateCounts: async () => state,
  ...overrides,
});

describe('createReadinessMetrics', () => {
  it('reports queues, work in progress, incidents and each target latest verdict and score', async () => {
    const text = await createReadinessMetrics(sources(), silentLogger).render();
    expect(text).toContain('readiness_queue_jobs{queue="checks",state="waiting"} 3');
    expect(text).toContain('readiness_assessments_in_progress{status="RUNNING"} 2');
    expect(text).toContain('readiness_deployments_active{status="ROLLING_BACK"} 1');
    expect(text).toContain('readiness_assessments_unassessable_24h 4');
    expect(text).toContain('readiness_incidents_open{severity="SEV1",status="OPEN"} 1');
    expect(text).toContain('readiness_verdict{service="checkout",environment="production",verdict="GO_WITH_CAUTION"} 1');
    expect(text).toContain('readiness_verdict{service="checkout",environment="production",verdict="GO"} 0');
    expect(text).toContain('readiness_score{service="checkout",environment="production"} 87.5');
    expect(text).toContain('readiness_last_assessed_timestamp_seconds{service="checkout",environment="production"} 1796115600');
    expect(text).toContain('readiness_source_up{source="database"} 1');
    expect(text).toMatch(/^readiness_process_process_cpu_user_seconds_total \d/m);
  });

  it('still answers when a source fails, saying which one is down', async () => {
    const text = await createReadinessMetrics(sources({ queueCounts: async () => Promise.reject(new Error('ECONNREFUSED')) }), silentLogger).render();
    expect(text).toContain('readiness_source_up{source="redis"} 0');
    expect(text).toContain('readiness_source_up{source="database"} 1');
    expect(text).toContain('readiness_score{service="checkout",environment="production"} 87.5');
  });

  it('does not keep series of a scrape before: a queue that is gone is not reported again', async () => {
    let counts: Record<string, Record<string, number>> = { old: { waiting: 1 } };
    const metrics = createReadinessMetrics(sources({ queueCounts: async () => counts }), silentLogger);
    expect(await metrics.render()).toContain('queue="old"');
    counts = { checks: { waiting: 0 } };
    expect(await metrics.render()).not.toContain('queue="old"');
  });
});

describe("the bot's process metrics", () => {
  it('report the default Node.js metrics except the GC histogram, which would run on every collection of a burst', async () => {
    const text = await createReadinessMetrics(sources(), silentLogger).render();
    expect(text).toMatch(/^readiness_process_nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^readiness_process_nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^readiness_process_process_resident_memory_bytes \d/m);
    expect(text).not.toContain('nodejs_gc_duration_seconds');
  });
});
