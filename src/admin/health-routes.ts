import type { AdminResponse, AdminRoute } from './admin-listener.ts';

/** `/readyz`'s answer: ready only when every dependency answered; each one says `ok` or what went wrong. */
export interface ReadyReport {
  ready: boolean;
  dependencies: Record<string, 'ok' | string>;
}

export interface MetricsSource {
  contentType: string;
  render(): Promise<string>;
}

const json = (status: number, body: unknown): AdminResponse => ({ status, contentType: 'application/json', body: JSON.stringify(body) });

/**
 * `/healthz` (the process answers), `/readyz` (200, or 503 naming the dependency that failed) and, when given,
 * `/metrics` in Prometheus's text format.
 */
export function healthRoutes(deps: { probeReadiness: () => Promise<ReadyReport>; metrics?: MetricsSource | undefined }): AdminRoute[] {
  const { metrics } = deps;
  return [
    { path: '/healthz', handle: () => json(200, { ok: true }) },
    {
      path: '/readyz',
      handle: async () => {
        const report = await deps.probeReadiness();
        return json(report.ready ? 200 : 503, report);
      },
    },
    ...(metrics ? [{ path: '/metrics', handle: async () => ({ status: 200, contentType: metrics.contentType, body: await metrics.render() }) }] : []),
  ];
}
