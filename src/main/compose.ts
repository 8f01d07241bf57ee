import type { Server } from 'node:http';
import type { App } from '@slack/bolt';
import { registerCommands } from '../../commands/index.ts';
import { startWorkers, type RunningWorkers } from '../../jobs/workers.ts';
import { runStoredCheck } from '../assessments/run-stored-check.ts';
import { networkCheckRunner } from '../probes/check-runner.ts';
import { egressPolicy, systemResolveHost } from '../egress/egress-policy.ts';
import { createRedis } from '../queue/connection.ts';
import { connectDb } from '../store/prisma.ts';
import { warmUpDeploymentQueries } from '../store/deployments/warm-up.ts';
import { createLimiter, type Limiter } from '../shared/limiter.ts';
import { createAckGate } from '../shared/ack-gate.ts';
import { withTimeout } from '../shared/timeout.ts';
import { INTAKE_DELAY_MS } from '../assessments/intake.ts';
import { createSlackApp } from '../slack/app.ts';
import type { ReadyReport } from '../admin/health-routes.ts';
import { describeProbeFailure } from '../secrets/probe-failure.ts';
import type { AdminListener } from '../admin/admin-listener.ts';
import { queueBoardMounts, startAdmin, type AdminSettings } from './admin-wiring.ts';
import { createWorkerMetrics } from '../metrics/worker-metrics.ts';
import { readQueue } from '../queue/queue-readings.ts';
import { cachedInstallation, installationGuard, type Installation } from '../slack/installation-guard.ts';
import { chatPort } from '../slack/chat-port.ts';
import { digestPublisher } from '../slack/digest-publisher.ts';
import { threadUploadPort } from '../slack/thread-upload.ts';
import { reportPoster } from '../slack/report-poster.ts';
import type { Runtime } from './runtime.ts';
import { approvalServices, owedSignoffDeps } from './approvals-wiring.ts';
import { deploymentServices } from './deployments-wiring.ts';
import { incidentChat } from '../slack/incident-chat.ts';
import { startDigestSchedules } from '../../jobs/schedules.ts';
import { startRetentionSchedule } from '../../jobs/retention.ts';
import { createRetentionRepository } from '../store/retention.repository.ts';
import { startRecoverySweep } from '../../jobs/recovery-sweep.ts';
import { createRecoveryRepository } from '../store/recovery/recovery.repository.ts';
import { timerJobsFor } from '../queue/timer-jobs.ts';
import { applyQueueSettings } from '../queue/queue-settings.ts';
import { createReadinessMetrics } from '../metrics/readiness-metrics.ts';
import { createMetricsRepository } from '../store/metrics.repository.ts';
import { createSlackRequestRepository } from '../store/slack-requests.repository.ts';
import { createInFlightRequests } from '../slack/in-flight-requests.ts';
import { inboxMiddleware } from '../slack/inbox-middleware.ts';
import { createReplayApp } from '../slack/replay-app.ts';
import { INBOX_LEASE_MS, startInboxReplay } from '../../jobs/inbox-replay.ts';

/**
 * First messages of `/readiness run` one bot posts at once after acking, apart from the recording and enqueueing
 * (ACK_FOLLOW_UP_CONCURRENCY): as many as the post-ack work was bounded to before, so a burst's Slack calls are
 * paced as they were, and they no longer hold up the next command's checks.
 */
const POST_AFTER_ACK_CONCURRENCY = 2;

/**
 * `/readiness run`s one bot records and enqueues at once after acking. Wide on purpose: the requests in flight are
 * grouped into a few transactions (the assessment store) and flow adds (the queue), two groups out at a time, so this
 * bounds only how many wait for a group, and a burst of 100 is recorded in a handful of round trips (docs/performance.md).
 */
const START_AFTER_ACK_CONCURRENCY = 200;

export async function probeReadiness(runtime: Runtime): Promise<ReadyReport> {
  const probe = async (check: () => Promise<unknown>) => {
    try {
      await withTimeout(check(), 2000);
      return 'ok' as const;
    } catch (error) {
      return describeProbeFailure(error);
    }
  };
  const [postgres, redis] = await Promise.all([probe(() => runtime.db.$queryRaw`SELECT 1`), probe(() => runtime.producer.ping())]);
  return { ready: postgres === 'ok' && redis === 'ok', dependencies: { postgres, redis } };
}

/** A bot is ready when its dependencies are and its Slack listener has started: before that, requests would be refused. */
async function botReadiness(runtime: Runtime, listening: () => boolean): Promise<ReadyReport> {
  const report = await probeReadiness(runtime);
  if (listening()) return report;
  return { ready: false, dependencies: { ...report.dependencies, slack_listener: 'starting' } };
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

/** `/metrics` of a bot process: the queues and the database every replica shares. */
function botMetrics(runtime: Runtime) {
  const queues = [...Object.values(runtime.queues.queues), ...Object.values(runtime.incidentQueues.queues)];
  const repository = createMetricsRepository(runtime.db);
  return createReadinessMetrics(
    {
      queueCounts: async () =>
        Object.fromEntries(await Promise.all(queues.map(async (queue) => [queue.name, await queue.getJobCounts(...QUEUE_STATES)] as const))),
      stateCounts: () => repository.stateCounts(Object.keys(runtime.settings.config.services)),
    },
    runtime.settings.logger,
    [runtime.slackApi.registry],
  );
}

/** `/metrics` of a worker process: every queue's depth and age, this process's jobs, Slack API retries and 429s. */
function workerMetrics(runtime: Runtime) {
  const queues = [...Object.values(runtime.queues.queues), ...Object.values(runtime.incidentQueues.queues)];
  return createWorkerMetrics({
    queueNames: queues.map((queue) => queue.name),
    readQueues: () => Promise.all(queues.map(readQueue)),
    slackApi: runtime.slackApi.registry,
    logger: runtime.settings.logger,
  });
}

export interface BotOptions {
  signingSecret: string | undefined;
  appToken: string | undefined;
  port: number;
  /** Commands whose post-ack work (all of it but a run's recording and first message) runs at once in this process. @defaultValue 2 */
  followUpConcurrency?: number;
  /** Run the digests' cron schedules in this process (every replica may: each slot is one job). @defaultValue true */
  digestSchedules?: boolean;
  /** Enqueue the daily purge of old check results from this process (each day is one job). @defaultValue true */
  retentionSchedule?: boolean;
  /** How long after the ack a `/readiness run`'s intake job runs (see INTAKE_DELAY_MS). @defaultValue 30000 */
  intakeDelayMs?: number | undefined;
  /**
   * Runs the work that follows acks (a run's recording included). Tests pass one that drops it, to play a bot that
   * dies right after acking. @defaultValue a limiter of `followUpConcurrency` (START_AFTER_ACK_CONCURRENCY for runs)
   */
  afterAck?: Limiter | undefined;
  /** Serve /healthz, /readyz and /metrics here, apart from Slack's listener. @defaultValue no admin listener */
  admin?: AdminSettings | undefined;
  /** $SLACK_TEAM_ID / $SLACK_ENTERPRISE_ID: the installation's own ids. @defaultValue what `auth.test` reports at start */
  installation?: { teamId?: string | undefined; enterpriseId?: string | undefined } | undefined;
  /** See INBOX_LEASE_MS (env INBOX_LEASE_MS). @defaultValue 20000 */
  inboxLeaseMs?: number | undefined;
  /** How long a stop waits for requests being handled to finish; the rest a worker replays. @defaultValue 10000 */
  drainMs?: number | undefined;
}

/** The installation's team and org: from the environment when set, else from `auth.test` with the bot token. */
function installationOf(runtime: Runtime, configured: BotOptions['installation']) {
  return cachedInstallation(async (): Promise<Installation> => {
    if (configured?.teamId !== undefined || configured?.enterpriseId !== undefined) {
      return { teamId: configured.teamId, enterpriseId: configured.enterpriseId, orgWide: configured.teamId === undefined };
    }
    const auth = await runtime.slack.auth.test();
    return { teamId: auth.team_id || undefined, enterpriseId: auth.enterprise_id || undefined, orgWide: auth.is_enterprise_install === true };
  });
}

export interface RunningBot {
  app: App;
  /** The Events/commands endpoint in HTTP mode. */
  eventsUrl: string | undefined;
  /** The admin listener (/healthz, /readyz, /metrics), when one was asked for. */
  adminUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * The query shapes a deployment's phase jobs run, compiled now so the first deployment after a worker started costs
 * what later ones do (warm-up.ts). In the background: readiness does not wait for it, and a failure (Postgres away)
 * only means the first deployment compiles them itself. Not in the bot: its idle memory is at its target (bench:footprint),
 * and the queries before Start (the deploy gate) have run when the plan was made.
 */
function warmUpInBackground(runtime: Runtime): void {
  warmUpDeploymentQueries(runtime.db).catch((error: unknown) =>
    runtime.settings.logger.debug('query warm-up stopped', { err: (error as Error).message }),
  );
}

export async function startBot(runtime: Runtime, options: BotOptions): Promise<RunningBot> {
  const { settings } = runtime;
  const now = () => new Date();
  // The admin listener is up first (a probe can tell starting from gone); ready only once Slack's endpoint is.
  let listening = false;
  const admin = options.admin
    ? await startAdmin('bot', options.admin, {
        probeReadiness: () => botReadiness(runtime, () => listening),
        metrics: botMetrics(runtime),
        logger: settings.logger,
        mounts: await queueBoardMounts(
          [...Object.values(runtime.queues.queues), ...Object.values(runtime.incidentQueues.queues)],
          options.admin,
          settings.logger,
        ),
      })
    : undefined;
  const installation = installationOf(runtime, options.installation);
  // Known before the first request when Slack answers now; otherwise asked again by the first request.
  if (!(await installation())) settings.logger.warn("could not learn the installation's team from auth.test; requests are refused until it answers");
  // Follow-up work starts once no request waits for its ack: a burst is acked first, then worked through.
  const ackGate = createAckGate();
  const app = createSlackApp({
    ackGate,
    botToken: settings.slackBotToken,
    signingSecret: options.signingSecret,
    appToken: options.appToken,
    slackApiUrl: settings.slackApiUrl,
    ...(settings.slackRetries === undefined ? {} : { slackRetries: settings.slackRetries }),
    logger: settings.logger,
    requestGuard: installationGuard(installation, settings.logger),
  });
  // The inbox's first connection is opened now, not by the first request, which would wait for it before its ack.
  await connectDb(runtime.intakeDb).catch((error: unknown) =>
    settings.logger.warn('postgres not reachable at start-up; Slack requests are refused until it is', { err: (error as Error).message }),
  );
  const inboxLeaseMs = options.inboxLeaseMs ?? INBOX_LEASE_MS;
  // The record before the ack has a pool of its own, so it never waits for a connection behind post-ack work
  // (runtime.ts); finishing a request and renewing leases happen after the ack, on the main pool.
  const inbox = createSlackRequestRepository(runtime.db);
  const intake = { record: createSlackRequestRepository(runtime.intakeDb).record, finish: inbox.finish };
  const inFlight = createInFlightRequests({ store: inbox, leaseMs: inboxLeaseMs, logger: settings.logger });
  app.use(inboxMiddleware({ store: intake, inFlight, scope: settings.queuePrefix, leaseMs: inboxLeaseMs, logger: settings.logger }));
  registerCommands(app, {
    runtime,
    approvals: approvalServices(runtime, chatPort(runtime.slack), now),
    deployments: deploymentServices(runtime, chatPort(runtime.slack), now, { logger: settings.logger }),
    afterAck: options.afterAck ?? createLimiter(options.followUpConcurrency ?? 2, { waitFor: () => ackGate.quiet() }),
    // A test's afterAck (one that drops the work, to play a bot dying after its acks) stands for this one too.
    startAfterAck: options.afterAck ?? createLimiter(START_AFTER_ACK_CONCURRENCY, { waitFor: () => ackGate.quiet() }),
    postAfterAck: createLimiter(POST_AFTER_ACK_CONCURRENCY, { waitFor: () => ackGate.quiet() }),
    intakeDelayMs: options.intakeDelayMs ?? INTAKE_DELAY_MS,
    now,
  });
  const started = await app.start(options.port).catch(async (error: unknown) => {
    await admin?.close();
    throw error;
  });
  listening = true;
  const address = options.appToken ? undefined : (started as Server).address();
  const eventsUrl = address && typeof address === 'object' ? `http://127.0.0.1:${address.port}/slack/events` : undefined;
  const schedules =
    options.digestSchedules === false
      ? undefined
      : startDigestSchedules({ digests: settings.config.digests, scheduler: runtime.queues.digestScheduler, logger: settings.logger });
  const retention =
    options.retentionSchedule === false
      ? undefined
      : startRetentionSchedule({ scheduler: runtime.queues.retentionScheduler, logger: settings.logger });
  return {
    app,
    eventsUrl,
    adminUrl: admin?.url,
    async stop() {
      listening = false;
      await retention?.stop();
      await schedules?.stop();
      await app.stop();
      // No new request comes in now; those being handled finish, or stay in the inbox for a worker to replay.
      const unfinished = await inFlight.drain(options.drainMs ?? 10_000);
      if (unfinished > 0) settings.logger.warn('stopped with Slack requests unfinished; a worker replays them', { unfinished });
      await admin?.close();
    },
  };
}

export interface WorkerProcessOptions {
  concurrency: number;
  /** Re-arm incident timers and deliveries from the database on start and every minute. @defaultValue true */
  incidentSweep?: boolean;
  /**
   * Re-queue assessments and deployments a crashed process left without a job, rebuild timers Redis lost and
   * re-apply queue settings: on start, every minute, and whenever Redis reconnects. @defaultValue true
   */
  recoverySweep?: boolean;
  /** Open an incident when a critical check regresses on a service that was GO. @defaultValue true */
  checkRegressionIncidents?: boolean;
  /** How soon a deployment phase of a killed worker is picked up by another (its job lock). @defaultValue 10000 */
  deploymentLockMs?: number | undefined;
  /** See INFRA_RETRY_WINDOW_MS. @defaultValue 60000 */
  infrastructureRetryWindowMs?: number | undefined;
  /** The bots' intake delay (see INTAKE_DELAY_MS): how long a bot is given to post a message it recorded. @defaultValue 30000 */
  intakeDelayMs?: number | undefined;
  /** Replay the Slack requests a bot acked but did not finish (jobs/inbox-replay.ts). @defaultValue true */
  inboxReplay?: boolean;
  /** See INBOX_LEASE_MS. @defaultValue 20000 */
  inboxLeaseMs?: number | undefined;
  /** Serve /healthz, /readyz and a minimal /metrics here. @defaultValue no admin listener */
  admin?: AdminSettings | undefined;
}

/** The inbox replay: a receiver-less Bolt app with the bot's own handlers, fed the requests whose lease ran out. */
function startReplayingInbox(runtime: Runtime, options: WorkerProcessOptions) {
  const { settings } = runtime;
  const now = () => new Date();
  const replayApp = createReplayApp({
    botToken: settings.slackBotToken,
    slackApiUrl: settings.slackApiUrl,
    ...(settings.slackRetries === undefined ? {} : { slackRetries: settings.slackRetries }),
    logger: settings.logger,
  });
  // The user had their ack long ago: nothing to keep fast here, so the post-ack work runs at once.
  const runAtOnce: Limiter = (task) => task();
  registerCommands(replayApp.app, {
    runtime,
    approvals: approvalServices(runtime, chatPort(runtime.slack), now),
    deployments: deploymentServices(runtime, chatPort(runtime.slack), now, { logger: settings.logger }),
    afterAck: runAtOnce,
    startAfterAck: runAtOnce,
    postAfterAck: runAtOnce,
    intakeDelayMs: options.intakeDelayMs ?? INTAKE_DELAY_MS,
    now,
  });
  return startInboxReplay({
    requests: createSlackRequestRepository(runtime.db),
    replay: replayApp.replay,
    scope: settings.queuePrefix,
    leaseMs: options.inboxLeaseMs,
    logger: settings.logger,
  });
}

export interface RunningWorkerProcess extends RunningWorkers {
  /** The admin listener (/healthz, /readyz, /metrics), when one was asked for. */
  adminUrl: string | undefined;
}

export async function startWorkerProcess(runtime: Runtime, options: WorkerProcessOptions): Promise<RunningWorkerProcess> {
  const { settings } = runtime;
  // Up before the workers, so a probe can tell a worker that is starting from one that is gone.
  const metrics = workerMetrics(runtime);
  const admin: AdminListener | undefined = options.admin
    ? await startAdmin('worker', options.admin, { probeReadiness: () => probeReadiness(runtime), metrics, logger: settings.logger })
    : undefined;
  // Best effort: a worker started while Postgres is away still starts, and its jobs retry until it is back.
  await connectDb(runtime.db).catch((error: unknown) =>
    settings.logger.warn('postgres not reachable at start-up; jobs will retry', { err: (error as Error).message }),
  );
  warmUpInBackground(runtime);
  const connection = createRedis(settings.redisUrl, 'worker', settings.logger, settings.redisTopology);
  // Deployment and sign-off notices are posted from jobs with no queue to pause: their client waits out Retry-After.
  const deployments = deploymentServices(runtime, chatPort(runtime.slack), () => new Date(), { logger: settings.logger });
  const egress = egressPolicy(settings.config.egress, systemResolveHost);
  const running = await startWorkers({
    connection,
    prefix: settings.queuePrefix,
    concurrency: options.concurrency,
    queues: runtime.queues.queues,
    scheduler: runtime.queues.scheduler,
    assessments: runtime.assessments,
    chat: chatPort(runtime.slackForWorkers),
    runCheck: (spec, target) => runStoredCheck(networkCheckRunner, settings.config, spec, target, { egress }),
    reports: { repository: runtime.reports, poster: reportPoster(threadUploadPort(runtime.slackForWorkers)) },
    approvals: approvalServices(runtime, chatPort(runtime.slack), () => new Date()),
    deployments,
    deploymentLockMs: options.deploymentLockMs,
    infrastructureRetryWindowMs: options.infrastructureRetryWindowMs,
    incidents: {
      incident: runtime.incidents,
      queues: runtime.incidentQueues,
      chat: incidentChat(runtime.slackForWorkers),
      sweep: options.incidentSweep ?? true,
      checkRegression: options.checkRegressionIncidents ?? true,
    },
    digests: { config: settings.config, digests: runtime.digests, publisher: digestPublisher(chatPort(runtime.slackForWorkers)) },
    intake: { config: settings.config, delayMs: options.intakeDelayMs },
    retention: { retention: settings.config.retention, checkResults: createRetentionRepository(runtime.db) },
    logger: settings.logger,
    jobs: metrics.jobs,
  }).catch(async (error: unknown) => {
    await admin?.close();
    throw error;
  });
  const recovery =
    options.recoverySweep === false
      ? undefined
      : startRecoverySweep({
          recovery: createRecoveryRepository(runtime.db),
          queues: runtime.queues,
          assessments: runtime.assessments,
          deployments,
          logger: settings.logger,
          signoffs: owedSignoffDeps(runtime, () => new Date()),
          timers: {
            jobs: timerJobsFor({ ...runtime.queues.queues, escalations: runtime.incidentQueues.queues.escalations }),
            applyQueueSettings: () =>
              applyQueueSettings({
                render: runtime.queues.queues.render,
                escalations: (options.incidentSweep ?? true) ? runtime.incidentQueues.queues.escalations : undefined,
              }),
          },
        });
  // Redis back after an outage may be Redis emptied (a restart without persistence): rebuild at once, not a minute later.
  if (recovery) runtime.producer.on('ready', () => recovery.runSoon());
  const inboxReplay = options.inboxReplay === false ? undefined : startReplayingInbox(runtime, options);
  return {
    workers: running.workers,
    adminUrl: admin?.url,
    async close(graceMs) {
      await inboxReplay?.stop();
      await recovery?.stop();
      const stopped = await running.close(graceMs);
      connection.disconnect();
      await admin?.close();
      return stopped;
    },
  };
}
