import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsSource } from '../admin/health-routes.ts';
import type { Logger } from '../shared/logger.ts';
import type { JobObserver, QueueReading } from '../status/system-state.ts';
import { withTimeout } from '../shared/timeout.ts';
import { SOURCE_TIMEOUT_MS } from './readiness-metrics.ts';

export interface WorkerMetrics extends MetricsSource {
  jobs: JobObserver;
}

/** Job durations from a 50 ms check to a deployment phase that waits minutes. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * A worker's `/metrics`: the depth and age of every queue (shared state, read from Redis at scrape time), what this
 * process's jobs took and how they ended, Slack API retries and 429s, and the process's own Node.js metrics.
 */
export function createWorkerMetrics(deps: {
  queueNames: readonly string[];
  readQueues: () => Promise<QueueReading[]>;
  slackApi?: Registry | undefined;
  logger: Logger;
  now?: () => number;
}): WorkerMetrics {
  const now = deps.now ?? Date.now;
  const own = new Registry();
  collectDefaultMetrics({ register: own, prefix: 'readiness_process_' });
  const up = new Gauge({
    name: 'readiness_source_up',
    help: 'Whether the last scrape could read this source (1) or not (0).',
    labelNames: ['source'],
    registers: [own],
  });
  const depth = new Gauge({
    name: 'readiness_queue_jobs',
    help: 'BullMQ jobs per queue and state.',
    labelNames: ['queue', 'state'],
    registers: [own],
  });
  const age = new Gauge({
    name: 'readiness_queue_oldest_waiting_seconds',
    help: 'How long the oldest waiting job of a queue has been due (0 when none waits): work piling up shows here first.',
    labelNames: ['queue'],
    registers: [own],
  });
  const duration = new Histogram({
    name: 'readiness_job_duration_seconds',
    help: "How long this process's job attempts ran, per queue and outcome (completed or failed).",
    labelNames: ['queue', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: [own],
  });
  const failures = new Counter({
    name: 'readiness_job_failures_total',
    help: 'Job attempts that failed in this process, per queue.',
    labelNames: ['queue'],
    registers: [own],
  });
  const stalls = new Counter({
    name: 'readiness_job_stalls_total',
    help: 'Jobs this process found stalled (their worker stopped renewing the lock) and took back, per queue.',
    labelNames: ['queue'],
    registers: [own],
  });
  // Every queue present at 0 from the start, so rate() and alerts work before the first failure.
  for (const queue of deps.queueNames) {
    failures.inc({ queue }, 0);
    stalls.inc({ queue }, 0);
  }
  const registry = deps.slackApi ? Registry.merge([own, deps.slackApi]) : own;

  async function readQueues(): Promise<void> {
    const readings = await withTimeout(deps.readQueues(), SOURCE_TIMEOUT_MS);
    depth.reset();
    age.reset();
    const at = now();
    for (const reading of readings) {
      for (const [state, count] of Object.entries(reading.counts)) depth.set({ queue: reading.queue, state }, count);
      age.set({ queue: reading.queue }, reading.oldestWaitingSince === undefined ? 0 : Math.max(0, (at - reading.oldestWaitingSince) / 1000));
    }
  }

  return {
    contentType: registry.contentType,
    async render() {
      try {
        await readQueues();
        up.set({ source: 'redis' }, 1);
      } catch (error) {
        // A scrape answers even when Redis does not: the job and process metrics are still this process's own.
        up.set({ source: 'redis' }, 0);
        deps.logger.warn('metrics source unavailable', { source: 'redis', err: (error as Error).message });
      }
      return registry.metrics();
    },
    jobs: {
      finished(queue, outcome, seconds) {
        if (outcome === 'failed') failures.inc({ queue });
        if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0) duration.observe({ queue, outcome }, seconds);
      },
      stalled: (queue) => stalls.inc({ queue }),
    },
  };
}
