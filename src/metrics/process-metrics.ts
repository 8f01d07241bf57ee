import { createRequire } from 'node:module';
import { collectDefaultMetrics, type Registry } from 'prom-client';

const require = createRequire(import.meta.url);

type DefaultMetric = (registry: Registry, config: { prefix: string; eventLoopMonitoringPrecision: number }) => void;

/**
 * prom-client's default Node.js metrics, all but the GC duration histogram. That one observes every collection as
 * it happens (a PerformanceObserver calling into the histogram), and a burst of slash commands collects the young
 * generation hundreds of times: in a CPU profile of a burst of 200 it was 127 ms of the bot's 1,290 ms before its
 * last ack (docs/performance.md, "Ack latency"), on the event loop the acks wait for. The bot's memory is still
 * reported (heap sizes, RSS); the worker keeps the whole default set. prom-client offers no option to leave one
 * out, so the others are taken from its list one by one (a metric it adds later comes along by name).
 */
export function collectProcessMetricsWithoutGc(registry: Registry, prefix: string): void {
  for (const name of collectDefaultMetrics.metricsList) {
    if (name === 'gc') continue;
    const metric = require(`prom-client/lib/metrics/${name}.js`) as DefaultMetric;
    metric(registry, { prefix, eventLoopMonitoringPrecision: 10 });
  }
}
