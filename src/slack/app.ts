import { slackRetryConfig } from './retry-policy.ts';
import { App, HTTPReceiver, LogLevel, type AllMiddlewareArgs, type AnyMiddlewareArgs, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../shared/logger.ts';
import type { AckGate } from '../shared/ack-gate.ts';
import { refuseNonObjectBodies } from './body-guard.ts';
import { errorMiddleware } from './error-middleware.ts';

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string | undefined;
  /** Set for Socket Mode; HTTP mode otherwise. */
  appToken: string | undefined;
  slackApiUrl: string;
  /** Web API retries on 5xx and network errors. @defaultValue 2 */
  slackRetries?: number;
  logger: Logger;
  /** Runs before every other middleware (see installation-guard.ts): refuses requests from other workspaces. */
  requestGuard: (args: AnyMiddlewareArgs & AllMiddlewareArgs) => Promise<void>;
  /** Counts the HTTP requests waiting for their ack (see ack-gate.ts). @defaultValue none counted */
  ackGate?: AckGate | undefined;
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

/**
 * The Bolt app: HTTP receiver with signature verification, or Socket Mode when an app token is given. Its
 * listener serves Slack's endpoint only; health, readiness and metrics are on the admin listener (src/admin/).
 */
export function createSlackApp(options: SlackAppOptions): App {
  const logger = boltLogger(options.logger);
  const clientOptions = {
    slackApiUrl: options.slackApiUrl,
    retryConfig: slackRetryConfig({ retries: options.slackRetries }),
  };
  const app = options.appToken
    ? new App({
        token: options.botToken,
        appToken: options.appToken,
        socketMode: true,
        clientOptions,
        logger,
      })
    : new App({
        token: options.botToken,
        clientOptions,
        logger,
        receiver: refuseNonObjectBodies(
          new HTTPReceiver({
            signingSecret: options.signingSecret ?? '',
            logger,
            // Respond to Slack as soon as ack() runs; the work after it must never hold Slack's 3-second window.
            processBeforeResponse: false,
          }),
          options.ackGate,
          options.signingSecret,
        ),
      });
  app.use(options.requestGuard);
  app.use(errorMiddleware(options.logger));
  app.error(async (error) => options.logger.error('bolt error', { err: error.message, code: error.code }));
  return app;
}
