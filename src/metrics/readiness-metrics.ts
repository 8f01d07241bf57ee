import { Counter, Gauge, Registry } from 'prom-client';
import { collectProcessMetricsWithoutGc } from './process-metrics.ts';
import type { StateCounts } from '../status/system-state.ts';
import type { Logger } from '../shared/logger.ts';
import { withTimeout } from '../shared/timeout.ts';

const VERDICTS = ['GO', 'GO_WITH_CAUTION', 'NO_GO'] as const;
/** How long one scrape waits for Redis or Postgres. @defaultValue 2000 */
export const SOURCE_TIMEOUT_MS = 2000;

export interface MetricsSources {
  /** Jobs per queue and state (BullMQ's getJobCounts). */
  queueCounts(): Promise<Record<string, Record<string, number>>>;
  stateCounts(): Promise<StateCounts>;
}

export interface ReadinessMetrics {
  contentType: string;
  /** Reads the sources and renders every metric in Prometheus's text format; a source that fails is reported as down. */
  render(): Promise<string>;
}

/**
 * The bot's `/metrics`: queue depths, work in progress, open incidents, and each service's latest verdict and
 * score, read from Redis and Postgres at scrape time (so every replica reports the same shared state), plus the
 * process's own Node.js metrics.
 */
export function createReadinessMetrics(sources: MetricsSources, logger: Logger, more: readonly Registry[] = []): ReadinessMetrics {
  const registry = new Registry();
  // Without the GC histogram: it runs on every collection, and a burst's acks wait for it (process-metrics.ts).
  collectProcessMetricsWithoutGc(registry, 'readiness_process_');
  const gauge = (name: string, help: string, labelNames: readonly string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const up = gauge('readiness_source_up', 'Whether the last scrape could read this source (1) or not (0).', ['source']);
  const queueJobs = gauge('readiness_queue_jobs', 'BullMQ jobs per queue and state.', ['queue', 'state']);
  const assessments = gauge('readiness_assessments_in_progress', 'Assessments queued or running.', ['status']);
  const unassessable = gauge(
    'readiness_assessments_unassessable_24h',
    'Assessments that ended "could not assess" (our own database or Redis was down past the retry window) in the last 24 hours.',
  );
  const deployments = gauge('readiness_deployments_active', 'Deployments planned, running, paused or rolling back.', ['status']);
  const incidents = gauge('readiness_incidents_open', 'Unresolved incidents by severity and status.', ['severity', 'status']);
  const verdict = gauge('readiness_verdict', "1 for a service's latest verdict in an environment, 0 for the others.", [
    'service',
    'environment',
    'verdict',
  ]);
  const score = gauge('readiness_score', "A service's latest readiness score (0-100) in an environment.", ['service', 'environment']);
  const assessedAt = gauge('readiness_last_assessed_timestamp_seconds', "When a service's latest assessment in an environment finished.", [
    'service',
    'environment',
  ]);
  // Shows the scrape cache at work: scrapes within its window are answered without reading the sources again.
  const computed = new Counter({
    name: 'readiness_metrics_computed_total',
    help: 'How many times this process read its sources for /metrics.',
    registers: [registry],
  });

  async function readQueues(): Promise<void> {
    const counts = await sources.queueCounts();
    queueJobs.reset();
    for (const [queue, states] of Object.entries(counts)) for (const [state, count] of Object.entries(states)) queueJobs.set({ queue, state }, count);
  }

  async function readDatabase(): Promise<void> {
    const state = await sources.stateCounts();
    for (const metric of [assessments, deployments, incidents, verdict, score, assessedAt]) metric.reset();
    for (const row of state.assessments) assessments.set({ status: row.status }, row.count);
    unassessable.set(state.unassessableLastDay);
    for (const row of state.deployments) deployments.set({ status: row.status }, row.count);
    for (const row of state.incidents) incidents.set({ severity: row.severity, status: row.status }, row.count);
    for (const row of state.latest) {
      const target = { service: row.service, environment: row.environment };
      for (const name of VERDICTS) verdict.set({ ...target, verdict: name }, row.verdict === name ? 1 : 0);
      if (row.score !== null) score.set(target, row.score);
      assessedAt.set(target, row.completedAt.getTime() / 1000);
    }
  }

  const attempt = async (source: string, read: () => Promise<void>) => {
    try {
      // A scrape must answer even when a dependency hangs: Prometheus would otherwise lose every metric.
      await withTimeout(read(), SOURCE_TIMEOUT_MS);
      up.set({ source }, 1);
    } catch (error) {
      up.set({ source }, 0);
      logger.warn('metrics source unavailable', { source, err: (error as Error).message });
    }
  };

  // Counters kept elsewhere in the process (Slack API retries and 429s) are served alongside.
  const served = more.length === 0 ? registry : Registry.merge([registry, ...more]);
  return {
    contentType: registry.contentType,
    async render() {
      computed.inc();
      await Promise.all([attempt('redis', readQueues), attempt('database', readDatabase)]);
      return served.metrics();
    },
  };
}
