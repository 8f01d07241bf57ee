import { randomBytes } from 'node:crypto';
import type { ReadinessConfig } from '../../src/config/readiness-config.schema.ts';
import { DEFAULT_WORKER_CONCURRENCY } from '../../src/config/env.ts';
import { startBot, startWorkerProcess, type RunningBot, type RunningWorkerProcess } from '../../src/main/compose.ts';
import { createRuntime, type Runtime } from '../../src/main/runtime.ts';
import type { Limiter } from '../../src/shared/limiter.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { QueueBoardSettings } from '../../src/admin/queue-board-settings.ts';
import { SlackStandIn, type SlackStandInOptions } from '../slack-stand-in/slack-stand-in.ts';

export interface LocalStackOptions {
  config: ReadinessConfig;
  databaseUrl: string;
  redisUrl: string;
  logger: Logger;
  /** @defaultValue a fresh random prefix, so the stack never sees another run's jobs */
  queuePrefix?: string;
  /** @defaultValue true */
  withWorkers?: boolean;
  /**
   * Checks in flight per worker process. The production default: a worker takes one batch job per 10 of these, so a
   * smaller number would let a few slow checks hold every slot and queue other assessments behind them.
   * @defaultValue DEFAULT_WORKER_CONCURRENCY (2000)
   */
  workerConcurrency?: number;
  /** Web API retries; tests use 0 so injected faults show at once. @defaultValue 2 */
  slackRetries?: number;
  standIn?: Partial<SlackStandInOptions>;
  /**
   * Re-arm incident timers and deliveries from the database when workers start. Off by default: test stacks share
   * one database but each has its own queue prefix, and must not deliver each other's incidents. @defaultValue false
   */
  incidentSweep?: boolean;
  /** Re-queue work a crashed process left without a job (see incidentSweep for why it is off here). @defaultValue false */
  recoverySweep?: boolean;
  /** Open an incident when a critical check regresses on a service that was GO (see incidentSweep). @defaultValue false */
  checkRegressionIncidents?: boolean;
  /** When a run's intake job fires after the ack, for bot and workers alike (see INTAKE_DELAY_MS). @defaultValue 30000 */
  intakeDelayMs?: number;
  /** The bot's runner of post-ack work (see BotOptions.afterAck). @defaultValue a limiter of 2 */
  afterAck?: Limiter;
  /** The admin listeners of bot and workers, on free ports of 127.0.0.1. @defaultValue no token, the shipped cache window */
  admin?: { token?: string; metricsCacheMs?: number; queueBoard?: QueueBoardSettings };
  /** Workers replay Slack requests a bot acked but did not finish (scoped to this stack's prefix). @defaultValue false */
  inboxReplay?: boolean;
  /** See INBOX_LEASE_MS. @defaultValue 20000 */
  inboxLeaseMs?: number;
  /** See INFRA_RETRY_WINDOW_MS. @defaultValue 60000 */
  infrastructureRetryWindowMs?: number;
  /** See RuntimeSettings.databasePoolSize. @defaultValue DB_POOL_SIZE */
  databasePoolSize?: number;
}

export interface LocalStack {
  standIn: SlackStandIn;
  runtime: Runtime;
  bot: RunningBot;
  eventsUrl: string;
  /** The bot's admin listener (/healthz, /readyz, /metrics). */
  adminUrl: string;
  workers: RunningWorkerProcess | undefined;
  channelId: string;
  /** What Slack signs requests with; a second bot replica needs it too. */
  signingSecret: string;
  startWorkers(): Promise<RunningWorkerProcess>;
  close(options?: { obliterate?: boolean }): Promise<void>;
}

/**
 * The whole bot on this machine: the Slack stand-in, the Bolt app over real HTTP, and the BullMQ workers,
 * against real Postgres and Redis. Used by the demo, the end-to-end tests and the benchmarks.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const signingSecret = randomBytes(16).toString('hex');
  const botToken = 'xoxb-local-stand-in';
  const channelId = 'C0DEMO';
  const standIn = await SlackStandIn.start({ signingSecret, botToken, channels: [channelId], ...options.standIn });
  const runtime = createRuntime({
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    queuePrefix: options.queuePrefix ?? `rt${randomBytes(4).toString('hex')}`,
    slackApiUrl: standIn.apiUrl,
    slackBotToken: botToken,
    config: options.config,
    logger: options.logger,
    ...(options.slackRetries === undefined ? {} : { slackRetries: options.slackRetries }),
    databasePoolSize: options.databasePoolSize,
  });
  const admin = {
    host: '127.0.0.1',
    port: 0,
    token: options.admin?.token,
    metricsCacheMs: options.admin?.metricsCacheMs,
    queueBoard: options.admin?.queueBoard,
  };
  const bot = await startBot(runtime, {
    signingSecret,
    appToken: undefined,
    port: 0,
    intakeDelayMs: options.intakeDelayMs,
    afterAck: options.afterAck,
    inboxLeaseMs: options.inboxLeaseMs,
    admin,
  });
  if (!bot.eventsUrl || !bot.adminUrl) throw new Error('the bot did not start its HTTP endpoints');
  const concurrency = options.workerConcurrency ?? DEFAULT_WORKER_CONCURRENCY;
  const running: RunningWorkerProcess[] = [];
  const startWorkers = async () => {
    const workers = await startWorkerProcess(runtime, {
      concurrency,
      incidentSweep: options.incidentSweep ?? false,
      // Test stacks share one database: one stack's sweep must not re-queue another's work into its own queues.
      recoverySweep: options.recoverySweep ?? false,
      checkRegressionIncidents: options.checkRegressionIncidents ?? false,
      intakeDelayMs: options.intakeDelayMs,
      admin,
      inboxReplay: options.inboxReplay ?? false,
      inboxLeaseMs: options.inboxLeaseMs,
      infrastructureRetryWindowMs: options.infrastructureRetryWindowMs,
    });
    running.push(workers);
    return workers;
  };
  const workers = options.withWorkers === false ? undefined : await startWorkers();

  return {
    standIn,
    runtime,
    bot,
    eventsUrl: bot.eventsUrl,
    adminUrl: bot.adminUrl,
    workers,
    channelId,
    signingSecret,
    startWorkers,
    async close({ obliterate = true } = {}) {
      await Promise.all(running.map((worker) => worker.close()));
      await bot.stop();
      if (obliterate) {
        await Promise.all(
          [...Object.values(runtime.queues.queues), ...Object.values(runtime.incidentQueues.queues)].map((queue) =>
            queue.obliterate({ force: true }).catch(() => undefined),
          ),
        );
      }
      await runtime.close();
      await standIn.close();
    },
  };
}
