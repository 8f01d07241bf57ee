import { redactText } from '../secrets/redact.ts';
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

/**
 * What `/readyz` says about a dependency that failed: the driver's own sentence (Prisma puts it on the last line,
 * after its "Invalid invocation" preamble), never the credentials of a connection string.
 */
export function describeProbeFailure(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const lines = raw
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const last = lines.at(-1) ?? '';
  const sentence = /Message: `(.+)`/.exec(last)?.[1] ?? last;
  // The whole userinfo, to its last '@' (a raw '@' in a password), and a libpq `password=` too.
  return redactText(sentence || 'unavailable')
    .replace(/\/\/[^/\s]*@/g, '//***@')
    .slice(0, 300);
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
