import { startAdminListener, type AdminListener } from '../admin/admin-listener.ts';
import { healthRoutes, type MetricsSource, type ReadyReport } from '../admin/health-routes.ts';
import { cacheFor, METRICS_CACHE_MS } from '../metrics/cached-render.ts';
import type { Logger } from '../shared/logger.ts';

/** Where a process serves /healthz, /readyz and /metrics (ADMIN_HOST, ADMIN_PORT, ADMIN_TOKEN). */
export interface AdminSettings {
  host: string;
  /** 0 picks a free port. */
  port: number;
  token: string | undefined;
  /** How long one /metrics reading is served again. @defaultValue METRICS_CACHE_MS */
  metricsCacheMs?: number | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Starts a process's admin listener with the health routes and its metrics, read at most once per cache window. */
export async function startAdmin(
  what: 'bot' | 'worker',
  settings: AdminSettings,
  deps: { probeReadiness: () => Promise<ReadyReport>; metrics: MetricsSource; logger: Logger },
): Promise<AdminListener> {
  const metrics = { contentType: deps.metrics.contentType, render: cacheFor(() => deps.metrics.render(), settings.metricsCacheMs ?? METRICS_CACHE_MS) };
  const listener = await startAdminListener({
    host: settings.host,
    port: settings.port,
    token: settings.token,
    routes: healthRoutes({ probeReadiness: deps.probeReadiness, metrics }),
    logger: deps.logger,
  });
  if (!LOOPBACK.has(settings.host) && settings.token === undefined) {
    deps.logger.warn('the admin listener is reachable beyond this host without a token; set ADMIN_TOKEN', { process: what, admin: listener.url });
  }
  deps.logger.info('admin listener started', { process: what, admin: listener.url, tokenRequired: settings.token !== undefined });
  return listener;
}
