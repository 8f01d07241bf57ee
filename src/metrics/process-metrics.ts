import { collectDefaultMetrics, Registry } from 'prom-client';
import type { MetricsSource } from '../admin/health-routes.ts';

/** A worker's `/metrics` for now: its own Node.js process (memory, event loop lag, CPU), nothing shared. */
export function createProcessMetrics(): MetricsSource {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'readiness_process_' });
  return { contentType: registry.contentType, render: () => registry.metrics() };
}
