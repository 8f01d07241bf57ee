// Guarantee 4 under load: a Slack storm (30 % of Web API calls answered 429 + Retry-After, 10 % 5xx, seeded) during
// 50 assessments and 20 incidents, on two bots and two workers as processes (src/main/bot.ts, src/main/worker.ts;
// support/fleet.ts) against a private Postgres and Redis. The Slack stand-in runs in this process, so the storm is its
// `faults` option. Reports posts lost or doubled, messages that never showed their final state, failed calls that were
// never retried to success, and processes that crashed.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { QueueName } from '../../src/queue/names.ts';
import { migrationsDir } from '../../src/shared/paths.ts';
import { assessmentPostIntent } from '../../src/slack/assessment-message.publisher.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { startExampleService } from '../../tools/demo/example-service.ts';
import { type RecordedCall, SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { fleetEnv, startFleet, type FleetMember } from './support/fleet.ts';
import { startPrivatePostgres, startPrivateRedis, waitFor } from './support/private-services.ts';
import { writeScenarioResult } from './support/result.ts';
import { wholeNumberFromEnv } from './support/env.ts';

const ASSESSMENTS = wholeNumberFromEnv('STORM_ASSESSMENTS', 50);
const INCIDENTS = wholeNumberFromEnv('STORM_INCIDENTS', 20);
const STORM = { rateLimitedShare: 0.3, serverErrorShare: 0.1, seed: wholeNumberFromEnv('STORM_SEED', 15) };
/** Every flow must show its final state within this much of the last command. */
const SETTLE_BOUND_MS = 300_000;
const ONCALL = 'U0ONCALL';
const USER = 'U0STORMUSER';
const CHANNEL = 'C0DEMO';
const INCIDENT_CHANNEL = 'C0INCIDENTS';
const QUEUE_PREFIX = 'slackstorm';

let crashes = 0;
process.on('uncaughtException', () => (crashes += 1));
process.on('unhandledRejection', () => (crashes += 1));
const loads: number[] = [];
const sampleLoad = () => loads.push(loadavg()[0] ?? 0);
sampleLoad();
const loadTimer = setInterval(sampleLoad, 5000);

const scenarioStarted = Date.now();
const progress = (line: string) => process.stdout.write(`  [${Math.round((Date.now() - scenarioStarted) / 1000)} s] ${line}\n`);
const postgres = await startPrivatePostgres();
const redis = await startPrivateRedis({ persistence: 'none' });
const databaseUrl = postgres.url('readiness_slack_storm');
await ensureDatabase(databaseUrl);
await applyMigrations(databaseUrl, migrationsDir);
const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const target = await startExampleService();
const signingSecret = randomBytes(16).toString('hex');
const botToken = 'xoxb-chaos-slack-storm';
const standIn = await SlackStandIn.start({
  signingSecret,
  botToken,
  channels: [CHANNEL, INCIDENT_CHANNEL],
  users: { [USER]: { name: 'requester' }, [ONCALL]: { name: 'oncall' } },
  faults: STORM,
});
const config = {
  roles: { 'on-call': { users: [ONCALL] } },
  incidents: { channel: INCIDENT_CHANNEL, severities: { sev3: { respondWithin: '1h', levels: [{ roles: ['on-call'] }] } } },
  services: {
    payments: {
      environments: { production: { vars: { baseUrl: target.url } } },
      checks: [
        { id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' },
        { id: 'docs', name: 'Docs', type: 'http', severity: 'low', category: 'documentation', url: '{{baseUrl}}/docs' },
      ],
    },
  },
};
const dir = await mkdtemp(join(tmpdir(), 'readiness-chaos-slack-storm-'));
const configPath = join(dir, 'readiness.yaml');
// JSON is YAML.
await writeFile(configPath, JSON.stringify(config));
const fleet = await startFleet({
  env: fleetEnv({ botToken, slackApiUrl: standIn.apiUrl, databaseUrl, redisUrl: redis.url, queuePrefix: QUEUE_PREFIX, configPath }),
  signingSecret,
  bots: 2,
  workers: 2,
});
const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
const renderQueue = new Queue(QueueName.slackRender, { connection, prefix: QUEUE_PREFIX });
const notes: string[] = [];
const startupMs = await fleet.until(async () => (await Promise.all(fleet.all().map(fleet.serving))).every(Boolean), 'every process serving', 300_000);
progress(`2 bots and 2 workers serving after ${startupMs} ms`);

const started = Date.now();
const commands = [
  ...Array.from({ length: ASSESSMENTS }, () => 'run payments production'),
  ...Array.from({ length: INCIDENTS }, (_, i) => `incident sev3 Storm incident ${i + 1}`),
];
const triggers: { kind: 'assessment' | 'incident'; triggerId: string; ackStatus: number }[] = [];
// Five at a time, alternating between the bots: a steady stream of commands, as a busy workspace sends them.
for (let i = 0; i < commands.length; i += 5) {
  const batch = await Promise.all(
    commands.slice(i, i + 5).map(async (text, offset) => {
      const bot = fleet.bots[(i + offset) % fleet.bots.length] as FleetMember;
      const ack = await standIn.sendSlashCommand(bot.eventsUrl, { text, userId: USER, channelId: CHANNEL });
      return { kind: text.startsWith('run') ? ('assessment' as const) : ('incident' as const), triggerId: ack.triggerId, ackStatus: ack.status };
    }),
  );
  triggers.push(...batch);
}
const lastCommandAt = Date.now();
progress(`${commands.length} commands sent in ${lastCommandAt - started} ms`);

const assessmentKeys = triggers.filter((t) => t.kind === 'assessment').map((t) => t.triggerId);
const incidentKeys = triggers.filter((t) => t.kind === 'incident').map((t) => t.triggerId);

async function settledState() {
  const assessments = (
    await db.query<{ id: string; status: string; verdict: string | null; message_ts: string | null }>(
      'select id, status, verdict, message_ts from assessments where request_key = any($1)',
      [assessmentKeys],
    )
  ).rows;
  const incidents = (await db.query<{ id: string; number: number }>('select id, number from incidents where request_key = any($1)', [incidentKeys]))
    .rows;
  const finalShown = assessments.filter((row) => {
    if (row.status !== 'COMPLETED' || row.message_ts === null) return false;
    const shown = standIn.message(CHANNEL, row.message_ts);
    return shown !== undefined && !(shown.text ?? '').endsWith('assessing…') && (shown.text ?? '').includes(row.verdict?.replaceAll('_', ' ') ?? '?');
  });
  const alerted = incidents.filter((row) =>
    standIn.messages(INCIDENT_CHANNEL).some((m) => m.threadTs === undefined && (m.text ?? '').includes(`INC-${row.number}:`)),
  );
  const paged = incidents.filter((row) => standIn.messages(`D${ONCALL.slice(1)}`).some((m) => (m.text ?? '').includes(`INC-${row.number}:`)));
  const pending = Number(
    (
      await db.query<{ n: string }>(`select count(*) n from incident_notifications where incident_id = any($1::uuid[]) and status = 'PENDING'`, [
        incidents.map((row) => row.id),
      ])
    ).rows[0]?.n ?? 0,
  );
  return { assessments, incidents, finalShown, alerted, paged, pending };
}

let state = await settledState();
const settled = () =>
  state.finalShown.length === ASSESSMENTS && state.alerted.length === INCIDENTS && state.paged.length === INCIDENTS && state.pending === 0;
await fleet
  .until(
    async () => {
      state = await settledState();
      return settled();
    },
    'every assessment and incident in its final state',
    SETTLE_BOUND_MS,
  )
  .catch((error: unknown) => notes.push((error as Error).message.slice(0, 3000)));
const settleMs = Date.now() - lastCommandAt;
progress(`settled (or gave up) ${settleMs} ms after the last command`);
// Updates still queued or waiting out a 429 when the last message turned final: let them land before counting calls.
await waitFor(
  async () => {
    const counts = await renderQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((count) => count === 0);
  },
  60_000,
  'the render queue drained',
).catch(() => undefined);

// Doubled: more than one message carrying an assessment's intent, more than one alert or page per incident.
const assessmentDoubles = state.assessments.filter(
  (row) => standIn.messages(CHANNEL).filter((m) => JSON.stringify(m.metadata) === JSON.stringify(assessmentPostIntent(row.id))).length > 1,
).length;
const incidentDoubles = state.incidents.filter((row) => {
  const alerts = standIn.messages(INCIDENT_CHANNEL).filter((m) => m.threadTs === undefined && (m.text ?? '').includes(`INC-${row.number}:`)).length;
  const pages = standIn.messages(`D${ONCALL.slice(1)}`).filter((m) => (m.text ?? '').includes(`INC-${row.number}:`)).length;
  return alerts > 1 || pages > 1;
}).length;

// A failed call is handled when a later call to the same method and target succeeded (a retry, or a newer update of
// the same message). Posts are keyed by their text; updates by the message they change.
const callKey = (call: RecordedCall) => {
  const { channel, ts, thread_ts: threadTs, text: body } = call.args as Record<string, unknown>;
  return call.method === 'chat.postMessage' ? `${call.method}|${channel}|${threadTs}|${body}` : `${call.method}|${channel}|${ts}`;
};
const failed = standIn.calls.filter((call) => call.status === 429 || call.status >= 500);
const unhandledCalls = failed.filter(
  (call) =>
    !standIn.calls.some((later) => later.at >= call.at && later.status === 200 && later.response.ok === true && callKey(later) === callKey(call)),
);
const unhandled = unhandledCalls.length;

if (process.env.STORM_DEBUG) {
  const detail = {
    unhandled: unhandledCalls.map((call) => ({ key: callKey(call), status: call.status, at: call.at - started })),
    doubledAssessments: state.assessments
      .map((row) => ({
        id: row.id,
        posts: standIn
          .messages(CHANNEL)
          .filter((m) => JSON.stringify(m.metadata) === JSON.stringify(assessmentPostIntent(row.id)))
          .map((m) => m.ts),
        recorded: row.message_ts,
      }))
      .filter((row) => row.posts.length > 1),
    incidents: state.incidents.map((row) => ({
      number: row.number,
      alerts: standIn.messages(INCIDENT_CHANNEL).filter((m) => m.threadTs === undefined && (m.text ?? '').includes(`INC-${row.number}:`)).length,
      pages: standIn
        .messages(`D${ONCALL.slice(1)}`)
        .filter((m) => (m.text ?? '').includes(`INC-${row.number}:`))
        .map((m) => m.text?.slice(0, 80)),
    })),
    postCalls: standIn
      .callsTo('chat.postMessage')
      .filter((call) => String(call.args.channel).startsWith('D'))
      .map((call) => ({ status: call.status, text: String(call.args.text).slice(0, 60) })),
  };
  process.stderr.write(`${JSON.stringify(detail, null, 1)}\n`);
}

// A process that ended unasked or logged an uncaught exception or unhandled rejection, or this one doing so.
const crashReports = fleet.crashReports();
notes.push(...crashReports);
clearInterval(loadTimer);
sampleLoad();
const logs = await fleet.keepLogs(join(tmpdir(), `readiness-chaos-slack-storm-${scenarioStarted}`));

const notFinal = ASSESSMENTS - state.finalShown.length;
const lost = notFinal + (INCIDENTS - state.alerted.length) + (INCIDENTS - state.paged.length) + unhandled;
const stuck = state.assessments.filter((row) => row.status !== 'COMPLETED').length + (ASSESSMENTS - state.assessments.length) + state.pending;
const result = await writeScenarioResult({
  scenario: 'slack-storm',
  did: `${ASSESSMENTS} assessments and ${INCIDENTS} sev3 incidents (each paging on-call) while the stand-in answered ${STORM.rateLimitedShare * 100} % of Web API calls 429 (Retry-After 1 s) and ${STORM.serverErrorShare * 100} % 5xx (seed ${STORM.seed}); 2 bots + 2 workers as processes on a private Postgres and Redis`,
  found: {
    lost,
    doubled: assessmentDoubles + incidentDoubles,
    stuck,
    wrongVerdicts: state.assessments.filter((row) => row.verdict !== 'GO' && row.status === 'COMPLETED').length,
    crashes: crashes + crashReports.length,
  },
  recovery: [{ what: 'every message final after the last command', ms: settleMs, boundMs: SETTLE_BOUND_MS }],
  figures: {
    webApiCalls: standIn.calls.length,
    answered429: standIn.faults.injected.rate_limited,
    answered5xx: standIn.faults.injected.server_error,
    unhandledFailedCalls: unhandled,
    unhandledCallKeys: unhandledCalls.map((call) => `${callKey(call)} ${call.status} at +${call.at - started} ms`).join('; ') || 'none',
    messagesNotShowingFinalState: notFinal,
    acksNot200: triggers.filter((t) => t.ackStatus !== 200).length,
    commandsSentMs: lastCommandAt - started,
    settleMs,
    startupMs,
    loadAverageDuring: `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
    logs,
    ...(notes.length > 0 ? { notes: notes.join(' | ').slice(0, 4000) } : {}),
  },
});

await fleet.killAll();
await renderQueue.close();
connection.disconnect();
await db.end();
await standIn.close();
await target.close();
await redis.destroy();
await postgres.destroy();
await rm(dir, { recursive: true, force: true });
process.exit(result.pass ? 0 : 1);
