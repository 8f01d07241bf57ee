import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../shared/logger.ts';
import { errorMiddleware } from './error-middleware.ts';

export interface ReadyReport {
  ready: boolean;
  dependencies: Record<string, 'ok' | string>;
}

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string | undefined;
  /** Set for Socket Mode; HTTP mode otherwise. */
  appToken: string | undefined;
  slackApiUrl: string;
  /** Web API retries on 5xx and network errors. @defaultValue 2 */
  slackRetries?: number;
  logger: Logger;
  probeReadiness: () => Promise<ReadyReport>;
  /** Socket Mode has no Events endpoint, but still serves /healthz, /readyz and /metrics on this port. */
  healthPort?: number;
  /** Served at /metrics in Prometheus's text format. @defaultValue no /metrics */
  metrics?: { contentType: string; render(): Promise<string> } | undefined;
}

export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => logger.debug(msg.map(String).join(' '), { source: 'bolt' }),
    info: (...msg) => logger.info(msg.map(String).join(' '), { source: 'bolt' }),
    warn: (...msg) => logger.warn(msg.map(String).join(' '), { source: 'bolt' }),
    error: (...msg) => logger.error(msg.map(String).join(' '), { source: 'bolt' }),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function healthRoutes(probe: () => Promise<ReadyReport>, metrics: SlackAppOptions['metrics']) {
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  return [
    { path: '/healthz', method: ['GET'], handler: (_req: IncomingMessage, res: ServerResponse) => json(res, 200, { ok: true }) },
    {
      path: '/readyz',
      method: ['GET'],
      handler: async (_req: IncomingMessage, res: ServerResponse) => {
        const report = await probe();
        json(res, report.ready ? 200 : 503, report);
      },
    },
    ...(metrics
      ? [
          {
            path: '/metrics',
            method: ['GET'],
            handler: async (_req: IncomingMessage, res: ServerResponse) => {
              const body = await metrics.render();
              res.writeHead(200, { 'content-type': metrics.contentType });
              res.end(body);
            },
          },
        ]
      : []),
  ];
}

/** The Bolt app: HTTP receiver with signature verification, or Socket Mode when an app token is given. */
export function createSlackApp(options: SlackAppOptions): App {
  const logger = boltLogger(options.logger);
  const clientOptions = {
    slackApiUrl: options.slackApiUrl,
    retryConfig: { retries: options.slackRetries ?? 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
  };
  const customRoutes = healthRoutes(options.probeReadiness, options.metrics);
  const app = options.appToken
    ? new App({
        token: options.botToken,
        appToken: options.appToken,
        socketMode: true,
        clientOptions,
        logger,
        customRoutes,
        installerOptions: { port: options.healthPort ?? 3000 },
      })
    : new App({
        token: options.botToken,
        signingSecret: options.signingSecret ?? '',
        clientOptions,
        logger,
        customRoutes,
        // Respond to Slack as soon as ack() runs; the work after it must never hold Slack's 3-second window.
        processBeforeResponse: false,
      });
  app.use(errorMiddleware(options.logger));
  app.error(async (error) => options.logger.error('bolt error', { err: error.message, code: error.code }));
  return app;
}
