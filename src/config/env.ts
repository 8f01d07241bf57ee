import { z } from 'zod';
import { QUEUE_PREFIX_PATTERN, QUEUE_PREFIX_RULE } from './queue-prefix.ts';
import { parseRedisNodes, redisTopologyProblems } from './redis-topology.ts';

/** Checks in flight per worker process unless WORKER_CONCURRENCY says otherwise (see its docblock). */
export const DEFAULT_WORKER_CONCURRENCY = 2000;
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/readiness';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const SIGNING_SECRET_REQUIRED = 'required in HTTP mode (set it, or set SLACK_APP_TOKEN for Socket Mode)';

const WHOLE_NUMBER = 'must be a whole number above 0';
const positiveInt = (fallback: number) => z.coerce.number({ error: WHOLE_NUMBER }).int(WHOLE_NUMBER).positive(WHOLE_NUMBER).default(fallback);

const PORT_NUMBER = 'must be a port number (0-65535)';
const portNumber = (fallback: number) =>
  z.coerce.number({ error: PORT_NUMBER }).int(PORT_NUMBER).min(0, PORT_NUMBER).max(65535, PORT_NUMBER).default(fallback);

/** The admin listener's port when ADMIN_PORT is unset: bot and worker differ, so both run on one host as shipped. */
export const DEFAULT_ADMIN_PORT = { bot: 9090, worker: 9091 } as const;

/** Everything the bot and workers read from the process environment. */
const EnvShape = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'required: the bot token from your Slack app (xoxb-…)' })
    .startsWith('xoxb-', 'must be a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((value) => value === undefined || value.startsWith('xapp-'), {
    message: 'must be an app-level token starting with xapp- (or unset for HTTP mode)',
  }),
  /** The workspace the app is installed in; requests from any other are refused. @defaultValue what auth.test reports */
  SLACK_TEAM_ID: optionalText.refine((value) => value === undefined || /^T[A-Z0-9]{2,}$/.test(value), {
    message: 'must be a Slack team id such as T012ABCDEF',
  }),
  /** The Enterprise Grid org the app is installed in, if any. @defaultValue what auth.test reports */
  SLACK_ENTERPRISE_ID: optionalText.refine((value) => value === undefined || /^E[A-Z0-9]{2,}$/.test(value), {
    message: 'must be a Slack enterprise id such as E012ABCDEF',
  }),
  /** @defaultValue Slack's own Web API */
  SLACK_API_URL: z.url({ error: 'must be a URL such as https://slack.com/api/' }).default('https://slack.com/api/'),
  /** @defaultValue 3000 */
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
  /** @defaultValue postgresql://postgres@127.0.0.1:5432/readiness */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default(DEFAULT_DATABASE_URL),
  /** @defaultValue redis://127.0.0.1:6379 */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default(DEFAULT_REDIS_URL),
  /** Sentinels to ask for the Redis master, `host:port,host:port`; REDIS_URL then gives only credentials, database and TLS. @defaultValue unset: REDIS_URL's server */
  REDIS_SENTINELS: optionalText.refine((value) => value === undefined || parseRedisNodes(value) !== undefined, {
    message: 'must be host:port pairs separated by commas, such as sentinel-0:26379,sentinel-1:26379',
  }),
  /** The master group the Sentinels watch (their `sentinel monitor <name> …`). Required with REDIS_SENTINELS. */
  REDIS_SENTINEL_NAME: optionalText,
  /** The Sentinels' own password, when they have one (Redis's password stays in REDIS_URL). @defaultValue unset */
  REDIS_SENTINEL_PASSWORD: optionalText,
  /** Redis Cluster nodes to start from, `host:port,host:port`; needs QUEUE_PREFIX in hash-tag form. @defaultValue unset: not a Cluster */
  REDIS_CLUSTER_NODES: optionalText.refine((value) => value === undefined || parseRedisNodes(value) !== undefined, {
    message: 'must be host:port pairs separated by commas, such as redis-0:6379,redis-1:6379',
  }),
  /**
   * Namespace of every BullMQ key, so several installations can share one Redis. `{name}` (a hash tag) keeps every
   * key in one Redis Cluster slot; the default stays plain so an upgrade does not strand queued jobs under a new
   * name (docs/operations.md). @defaultValue readiness
   */
  QUEUE_PREFIX: z.string().regex(QUEUE_PREFIX_PATTERN, QUEUE_PREFIX_RULE).default('readiness'),
  /** @defaultValue ./readiness.yaml */
  READINESS_CONFIG: z.string().min(1).default('./readiness.yaml'),
  /**
   * How many checks one worker process runs at once, over every batch job it holds (it takes a batch job per 10
   * of these). Checks wait on the network, so one process runs every check of a 1,000-check assessment, or of
   * 100 assessments of 20 checks, side by side (bench/command-to-verdict.ts). @defaultValue 2000
   */
  WORKER_CONCURRENCY: positiveInt(DEFAULT_WORKER_CONCURRENCY),
  /**
   * How many commands' post-ack work one bot process runs at once (not `/readiness run`'s: its recording is grouped
   * with the other runs in flight, and its message posted under a bound of 2 of its own). Low keeps every ack fast
   * under bursts; the rest waits its turn in memory. @defaultValue 2
   */
  ACK_FOLLOW_UP_CONCURRENCY: positiveInt(2),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** `json` (one object per line) or `pretty` (needs the pino-pretty dev dependency). @defaultValue pretty when stderr is a terminal and NODE_ENV is not production, else json */
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty (or unset)' }).optional(),
  /** Only `production` matters to Readiness: it keeps logs JSON even on a terminal. */
  NODE_ENV: optionalText,
  /**
   * How long a worker's hold on a deployment job lasts without renewal: a worker killed mid-phase leaves its
   * phase to another worker after about this long (every other queue uses 10 s too: src/queue/job-options.ts). @defaultValue 10000
   */
  DEPLOYMENT_LOCK_MS: positiveInt(10_000),
  /**
   * How long an assessment's checks retry while our own database or Redis fails; past it the assessment ends
   * "could not assess" (never GO or NO-GO). @defaultValue 60000
   */
  INFRA_RETRY_WINDOW_MS: positiveInt(60_000),
  /** Port of the admin listener (/healthz, /readyz, /metrics), apart from Slack's; 0 picks a free one. @defaultValue 9090 (bot), 9091 (worker) */
  ADMIN_PORT: portNumber(DEFAULT_ADMIN_PORT.bot),
  /** Interface the admin listener binds to; only this host can reach it unless set to another. @defaultValue 127.0.0.1 */
  ADMIN_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or IP address such as 127.0.0.1 or 0.0.0.0')
    .default('127.0.0.1'),
  /** When set, every admin request needs `Authorization: Bearer <ADMIN_TOKEN>`. @defaultValue unset: no token asked */
  ADMIN_TOKEN: optionalText.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters (or unset)',
  }),
  /** The user name Bull Board (/admin/queues on the bot's admin listener) asks for. @defaultValue admin */
  BULL_BOARD_USER: z
    .string()
    .trim()
    .regex(/^[^:\s]+$/, 'must be a user name without spaces or colons')
    .default('admin'),
  /** Bull Board's password; without it the board is not served at all. @defaultValue unset: no board */
  BULL_BOARD_PASSWORD: optionalText.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters (or unset, which leaves Bull Board off)',
  }),
  /** Let Bull Board retry, promote, clean and remove jobs; otherwise it only shows them. @defaultValue false */
  BULL_BOARD_WRITE: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * How long a Slack request the bot acked may go unfinished, its handler not renewing it, before a worker replays
   * it: about how long a user waits when the bot died right after acking. @defaultValue 20000
   */
  INBOX_LEASE_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds, at least 1000' })
    .int('must be a whole number of milliseconds, at least 1000')
    .min(1000, 'must be a whole number of milliseconds, at least 1000')
    .default(20_000),
  /** Where incident alerts go when readiness.yaml sets no `incidents.channel`. @defaultValue the channel the incident came from */
  INCIDENT_CHANNEL: optionalText.refine((value) => value === undefined || /^[CG][A-Z0-9]{2,}$/.test(value), {
    message: 'must be a Slack channel id such as C012ABCDEF',
  }),
});

function addRedisTopologyIssues(env: z.infer<typeof EnvShape>, ctx: z.RefinementCtx): void {
  for (const [path, message] of redisTopologyProblems(env)) ctx.addIssue({ code: 'custom', path: [path], message });
}

export const Env = EnvShape.superRefine((env, ctx) => {
  if (env.SLACK_APP_TOKEN === undefined && env.SLACK_SIGNING_SECRET === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['SLACK_SIGNING_SECRET'],
      message: SIGNING_SECRET_REQUIRED,
    });
  }
  if (env.SLACK_APP_TOKEN === undefined && env.ADMIN_PORT !== 0 && env.ADMIN_PORT === env.PORT) {
    ctx.addIssue({ code: 'custom', path: ['ADMIN_PORT'], message: 'must differ from PORT: the admin endpoints are kept off the Slack listener' });
  }
  addRedisTopologyIssues(env, ctx);
});
export type Env = z.infer<typeof Env>;

/** The variables a worker needs: it never talks to Slack's Events API, only the Web API. */
export const WorkerEnv = EnvShape.extend({ ADMIN_PORT: portNumber(DEFAULT_ADMIN_PORT.worker) }).superRefine(addRedisTopologyIssues);
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(environment)';
    return `${key}: ${issue.message}`;
  });
}

/** `PORT=` in a .env file means "not set", not "port 0". */
function withoutEmptyValues(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
}

function modeProblems(source: Record<string, string>): string[] {
  return source.SLACK_APP_TOKEN === undefined && source.SLACK_SIGNING_SECRET === undefined
    ? [`SLACK_SIGNING_SECRET: ${SIGNING_SECRET_REQUIRED}`]
    : [];
}

export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv): z.infer<S> {
  const values = withoutEmptyValues(source);
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  // Refinements run only once every field parses; say the cross-field problem in the same breath.
  const problems = [...new Set([...formatIssues(result.error.issues), ...(schema === (Env as z.ZodType) ? modeProblems(values) : [])])];
  throw new ConfigError(
    `Readiness cannot start: ${problems.length} problem(s) in the environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    problems,
  );
}
