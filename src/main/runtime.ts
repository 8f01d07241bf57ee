import { slackRetryConfig } from '../slack/retry-policy.ts';
import { WebClient, WebClientEvent } from '@slack/web-api';
import type { WorkerEnv } from '../config/env.ts';
import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import { createRedis, type RedisConnection } from '../queue/connection.ts';
import { redisTopologyOf, type RedisTopology } from '../config/redis-topology.ts';
import { createQueues, type Queues } from '../queue/queues.ts';
import type { Logger } from '../shared/logger.ts';
import { createSlackApiMetrics, slackMethodOf, type SlackApiMetrics, type SlackClientName } from '../metrics/slack-api-metrics.ts';
import type { AssessmentRepository } from '../assessments/assessment.ports.ts';
import { createAssessmentRepository } from '../store/assessments/index.ts';
import { createDb, type Db } from '../store/prisma.ts';
import { createRoleDirectory, type RoleDirectory } from '../roles/role-directory.ts';
import type { SignoffRepository } from '../approvals/signoff.ports.ts';
import { createSignoffRepository } from '../store/signoffs/signoffs.repository.ts';
import type { DeploymentRepository } from '../deployments/deployment.ports.ts';
import { createDeploymentRepository } from '../store/deployments/index.ts';
import type { ReportRepository } from '../reports/report.ports.ts';
import { createReportRepository } from '../store/reports.repository.ts';
import { createStatusRepository } from '../store/status/status.repository.ts';
import type { StatusRepository } from '../status/status.ports.ts';
import type { IncidentDeps } from '../incidents/incident-deps.ts';
import { createIncidentQueues, type IncidentQueues } from '../queue/incident-queues.ts';
import { createIncidentRepository } from '../store/incidents/incidents.repository.ts';
import { createDigestRepository, type DigestStore } from '../store/digests/digests.repository.ts';

export interface RuntimeSettings {
  databaseUrl: string;
  redisUrl: string;
  /** Sentinel or Cluster, from REDIS_SENTINELS / REDIS_CLUSTER_NODES. @defaultValue REDIS_URL's one server */
  redisTopology?: RedisTopology | undefined;
  queuePrefix: string;
  slackApiUrl: string;
  slackBotToken: string;
  config: ReadinessConfig;
  logger: Logger;
  /** Web API retries on 5xx and network errors; tests set 0 so a fault shows at once. @defaultValue 2 */
  slackRetries?: number;
  /** $INCIDENT_CHANNEL: where incident alerts go when readiness.yaml names no incidents channel. */
  incidentChannel?: string | undefined;
  /** Connections of the main pool (see DB_POOL_SIZE); tests make it tiny to show nothing depends on its size. */
  databasePoolSize?: number | undefined;
  /** Connections of the Slack request inbox's own pool (see INTAKE_POOL_SIZE). */
  intakePoolSize?: number | undefined;
}

/**
 * The inbox's own pool, for the one INSERT that must precede every ack (bounded at 1 s): it never queues behind
 * sign-offs, checks or renders holding the main pool. An INSERT takes a millisecond or two on a quiet machine and
 * tens of milliseconds on a loaded one, so three connections carry a storm of clicks.
 * @defaultValue 3
 */
export const INTAKE_POOL_SIZE = 3;

/** The infrastructure every process shares: database, queues, repositories and the Slack Web API client. */
export interface Runtime {
  settings: RuntimeSettings;
  db: Db;
  /** The Slack request inbox's pool (see INTAKE_POOL_SIZE); opened only by the processes that use it. */
  intakeDb: Db;
  producer: RedisConnection;
  queues: Queues;
  assessments: AssessmentRepository;
  /** Finds assessments by the id people type, and records the reports posted into threads. */
  reports: ReportRepository;
  /** Web API client for work done after the ack: waits out 429s itself. */
  slack: WebClient;
  /** Web API client for the updater: hands 429s to the queue instead of sleeping in a worker slot. */
  slackForWorkers: WebClient;
  /** Retries and 429s of the two clients above, served on the process's /metrics. */
  slackApi: SlackApiMetrics;
  /** Who belongs to which role of readiness.yaml, usergroups resolved through Slack. */
  roles: RoleDirectory;
  signoffs: SignoffRepository;
  deployments: DeploymentRepository;
  /** Read-only: the latest assessment of a target and a service's audit trail. */
  status: StatusRepository;
  /** Incident use cases' dependencies: repository, timers and deliveries, policy, who to page. */
  incidents: IncidentDeps;
  incidentQueues: IncidentQueues;
  /** Digest runs and the queries digests are built from. */
  digests: DigestStore;
  close(): Promise<void>;
}

/** The runtime a bot or worker process builds from its validated environment. */
export function runtimeFromEnv(env: WorkerEnv, config: ReadinessConfig, logger: Logger): Runtime {
  return createRuntime({
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisTopology: redisTopologyOf(env),
    queuePrefix: env.QUEUE_PREFIX,
    slackApiUrl: env.SLACK_API_URL,
    slackBotToken: env.SLACK_BOT_TOKEN,
    config,
    logger,
    incidentChannel: env.INCIDENT_CHANNEL,
  });
}

export function createRuntime(settings: RuntimeSettings): Runtime {
  const { logger } = settings;
  const db = createDb(settings.databaseUrl, logger, { poolSize: settings.databasePoolSize });
  // pg opens connections on first use: a process that never records a Slack request never connects this pool. Once
  // open they stay open: on a loaded machine a new connection alone can outlast the inbox's 1 s bound.
  const intakeDb = createDb(settings.databaseUrl, logger, { poolSize: settings.intakePoolSize ?? INTAKE_POOL_SIZE, keepIdle: true });
  const producer = createRedis(settings.redisUrl, 'producer', logger, settings.redisTopology);
  const queues = createQueues(producer, settings.queuePrefix, logger);
  const slackApi = createSlackApiMetrics();
  const clientOptions = (client: SlackClientName) => {
    // The client hands this to p-retry, which calls it after each failed attempt (not for a 429 it rejects at once).
    const retryConfig = slackRetryConfig({
      retries: settings.slackRetries,
      onFailedAttempt: (error) => {
        if ((error.retriesLeft ?? 0) > 0) slackApi.retried(client);
      },
    });
    return { slackApiUrl: settings.slackApiUrl, timeout: 10_000, retryConfig };
  };
  const instrumented = (client: SlackClientName, webClient: WebClient) => {
    webClient.on(WebClientEvent.RATE_LIMITED, (_retrySeconds: number, request: { url?: string }) =>
      slackApi.rateLimited(client, slackMethodOf(request.url ?? '')),
    );
    return webClient;
  };
  const slack = instrumented('commands', new WebClient(settings.slackBotToken, clientOptions('commands')));
  const incidentQueues = createIncidentQueues(producer, settings.queuePrefix, logger);
  return {
    settings,
    db,
    intakeDb,
    producer,
    queues,
    assessments: createAssessmentRepository(db),
    signoffs: createSignoffRepository(db),
    deployments: createDeploymentRepository(db),
    reports: createReportRepository(db),
    status: createStatusRepository(db),
    digests: createDigestRepository(db),
    slack,
    roles: createRoleDirectory({
      roles: settings.config.roles,
      usergroupMembers: async (usergroup) => (await slack.usergroups.users.list({ usergroup })).users ?? [],
    }),
    slackForWorkers: instrumented('workers', new WebClient(settings.slackBotToken, { ...clientOptions('workers'), rejectRateLimitedCalls: true })),
    slackApi,
    incidentQueues,
    incidents: {
      incidents: createIncidentRepository(db),
      scheduler: incidentQueues.scheduler,
      settings: { config: settings.config.incidents, envChannel: settings.incidentChannel },
      directory: {
        roles: settings.config.roles,
        usergroupMembers: async (usergroup) => (await slack.usergroups.users.list({ usergroup })).users ?? [],
      },
      now: () => new Date(),
    },
    async close() {
      await queues.close().catch(() => undefined);
      await incidentQueues.close().catch(() => undefined);
      producer.disconnect();
      await db.$disconnect().catch(() => undefined);
      await intakeDb.$disconnect().catch(() => undefined);
    },
  };
}
