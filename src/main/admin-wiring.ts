import { startAdminListener, type AdminListener, type AdminMount } from '../admin/admin-listener.ts';
import { healthRoutes, type MetricsSource, type ReadyReport } from '../admin/health-routes.ts';
import { cacheFor, METRICS_CACHE_MS } from '../metrics/cached-render.ts';
import type { Logger } from '../shared/logger.ts';
import type { Queue } from 'bullmq';
import { QUEUE_BOARD_PATH, type QueueBoardSettings } from '../admin/queue-board-settings.ts';

/** Where a process serves /healthz, /readyz and /metrics (ADMIN_HOST, ADMIN_PORT, ADMIN_TOKEN). */
export interface AdminSettings {
  host: string;
  /** 0 picks a free port. */
  port: number;
  token: string | undefined;
  /** How long one /metrics reading is served again. @defaultValue METRICS_CACHE_MS */
  metricsCacheMs?: number | undefined;
  /** Bull Board's credential (BULL_BOARD_*); the bot serves the board only with one. @defaultValue no board */
  queueBoard?: QueueBoardSettings | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Starts a process's admin listener with the health routes and its metrics, read at most once per cache window. */
export async function startAdmin(
  what: 'bot' | 'worker',
  settings: AdminSettings,
  deps: { probeReadiness: () => Promise<ReadyReport>; metrics: MetricsSource; logger: Logger; mounts?: readonly AdminMount[] | undefined },
): Promise<AdminListener> {
  const metrics = {
    contentType: deps.metrics.contentType,
    render: cacheFor(() => deps.metrics.render(), settings.metricsCacheMs ?? METRICS_CACHE_MS),
  };
  const listener = await startAdminListener({
    host: settings.host,
    port: settings.port,
    token: settings.token,
    routes: healthRoutes({ probeReadiness: deps.probeReadiness, metrics }),
    mounts: deps.mounts,
    logger: deps.logger,
  });
  if (!LOOPBACK.has(settings.host) && settings.token === undefined) {
    deps.logger.warn('the admin listener is reachable beyond this host without a token; set ADMIN_TOKEN', { process: what, admin: listener.url });
  }
  const queueBoard = deps.mounts?.some((mount) => mount.prefix === QUEUE_BOARD_PATH) === true;
  deps.logger.info('admin listener started', {
    process: what,
    admin: listener.url,
    tokenRequired: settings.token !== undefined,
    ...(what === 'bot' ? { queueBoard } : {}),
  });
  return listener;
}

/**
 * Bull Board over `queues` when a credential is set (BULL_BOARD_PASSWORD); without one it is not served, and the log
 * says so. Loaded only when served: its modules cost about 200 ms and 30 MB a process without it need not pay.
 */
export async function queueBoardMounts(queues: readonly Queue[], settings: AdminSettings, logger: Logger): Promise<AdminMount[]> {
  if (!settings.queueBoard) {
    logger.info(`Bull Board is not mounted: set BULL_BOARD_PASSWORD to serve it at ${QUEUE_BOARD_PATH} on the admin listener`);
    return [];
  }
  logger.info(`Bull Board is mounted at ${QUEUE_BOARD_PATH}`, { user: settings.queueBoard.user, writable: settings.queueBoard.writable });
  const { queueBoardMount } = await import('../admin/queue-board.ts');
  return [queueBoardMount(queues, settings.queueBoard)];
}
