import { slackRetryConfig } from './retry-policy.ts';
import { App, type Receiver } from '@slack/bolt';
import type { Logger } from '../shared/logger.ts';
import { boltLogger } from './app.ts';
import { errorMiddleware } from './error-middleware.ts';

/** Set in a replayed request's context, so a handler can deliver what its dead first run may have owed. */
const INBOX_REPLAY = 'readinessInboxReplay';

/** Whether the listener runs a request the inbox replays (see createReplayApp), not a delivery from Slack. */
export const isInboxReplay = (context: Record<string, unknown>): boolean => context[INBOX_REPLAY] === true;

/** Nothing arrives over the network: the inbox replay hands requests in through processEvent. */
const noReceiver: Receiver = {
  init: () => undefined,
  start: async () => undefined,
  stop: async () => undefined,
};

export interface ReplayApp {
  /** Bolt's app, for registerCommands: the same listeners the bot runs. */
  app: App;
  /** Runs a recorded request through the listeners; the user had their ack long ago, so ack does nothing. */
  replay(body: Record<string, unknown>): Promise<void>;
}

/**
 * A Bolt app without a receiver, in a worker: it runs requests a bot acked but did not finish through the very
 * same handlers, with the same error middleware (an unexpected error is told to the user through `respond`).
 */
export function createReplayApp(options: { botToken: string; slackApiUrl: string; slackRetries?: number; logger: Logger }): ReplayApp {
  const app = new App({
    token: options.botToken,
    receiver: noReceiver,
    clientOptions: {
      slackApiUrl: options.slackApiUrl,
      retryConfig: slackRetryConfig({ retries: options.slackRetries }),
    },
    logger: boltLogger(options.logger),
  });
  app.use(errorMiddleware(options.logger));
  app.error(async (error) => options.logger.error('bolt error in a replayed Slack request', { err: error.message, code: error.code }));
  return {
    app,
    replay: (body) => app.processEvent({ body, ack: async () => undefined, customProperties: { [INBOX_REPLAY]: true } }),
  };
}
