// Guarantee 4 under load: a Slack storm (30 % of Web API calls answered 429 + Retry-After, 10 % 5xx, seeded) during
// 50 assessments and 20 incidents, on one bot and two worker sets against real Postgres and Redis. Reports posts lost
// or doubled, messages that never showed their final state, and failed calls that were never retried to success.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { migrationsDir } from '../../src/shared/paths.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { assessmentPostIntent } from '../../src/slack/assessment-message.publisher.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { startExampleService } from '../../tools/demo/example-service.ts';
import { startLocalStack } from '../../tools/demo/local-stack.ts';
import type { RecordedCall } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { waitFor } from './support/private-services.ts';
import { writeScenarioResult } from './support/result.ts';

const ASSESSMENTS = Number(process.env.STORM_ASSESSMENTS ?? 50);
const INCIDENTS = Number(process.env.STORM_INCIDENTS ?? 20);
const STORM = { rateLimitedShare: 0.3, serverErrorShare: 0.1, seed: Number(process.env.STORM_SEED ?? 15) };
/** Every flow must show its final state within this much of the last command. */
const SETTLE_BOUND_MS = 300_000;
const ONCALL = 'U0ONCALL';
const USER = 'U0STORMUSER';
const INCIDENT_CHANNEL = 'C0INCIDENTS';

// The Web API client logs every 429 it waits out to the console: thousands of lines in a storm.
for (const method of ['log', 'info', 'warn', 'debug'] as const) console[method] = () => undefined;

let crashes = 0;
process.on('uncaughtException', () => (crashes += 1));
process.on('unhandledRejection', () => (crashes += 1));

const adminUrl = process.env.CHAOS_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const databaseUrl = new URL(adminUrl);
databaseUrl.pathname = `/readiness_chaos_storm_${randomBytes(3).toString('hex')}`;
await ensureDatabase(databaseUrl.toString());
await applyMigrations(databaseUrl.toString(), migrationsDir);

const target = await startExampleService();
const stack = await startLocalStack({
  config: parseReadinessConfig(
    {
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
    },
    'slack storm scenario',
  ),
  databaseUrl: databaseUrl.toString(),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  logger: silentLogger,
  slackRetries: 8,
  standIn: {
    channels: ['C0DEMO', INCIDENT_CHANNEL],
    users: { [USER]: { name: 'requester' }, [ONCALL]: { name: 'oncall' } },
    faults: STORM,
  },
});
// A second set of workers: two processes' worth of consumers share the queues (and Slack's rate limits).
await stack.startWorkers();
const { standIn, runtime } = stack;

const started = Date.now();
const commands = [
  ...Array.from({ length: ASSESSMENTS }, () => 'run payments production'),
  ...Array.from({ length: INCIDENTS }, (_, i) => `incident sev3 Storm incident ${i + 1}`),
];
const triggers: { kind: 'assessment' | 'incident'; triggerId: string; ackStatus: number }[] = [];
// Five at a time: a steady stream of commands, as a busy workspace sends them.
for (let i = 0; i < commands.length; i += 5) {
  const batch = await Promise.all(
    commands.slice(i, i + 5).map(async (text) => {
      const ack = await standIn.sendSlashCommand(stack.eventsUrl, { text, userId: USER, channelId: stack.channelId });
      return { kind: text.startsWith('run') ? ('assessment' as const) : ('incident' as const), triggerId: ack.triggerId, ackStatus: ack.status };
    }),
  );
  triggers.push(...batch);
}
const lastCommandAt = Date.now();

const assessmentKeys = triggers.filter((t) => t.kind === 'assessment').map((t) => t.triggerId);
const incidentKeys = triggers.filter((t) => t.kind === 'incident').map((t) => t.triggerId);

async function settledState() {
  const assessments = await runtime.db.assessment.findMany({ where: { requestKey: { in: assessmentKeys } } });
  const incidents = await runtime.db.incident.findMany({ where: { requestKey: { in: incidentKeys } } });
  const finalShown = assessments.filter((row) => {
    if (row.status !== 'COMPLETED' || row.messageTs === null) return false;
    const shown = standIn.message(stack.channelId, row.messageTs);
    return shown !== undefined && !(shown.text ?? '').endsWith('assessing…') && (shown.text ?? '').includes(row.verdict?.replaceAll('_', ' ') ?? '?');
  });
  const alerted = incidents.filter((row) =>
    standIn.messages(INCIDENT_CHANNEL).some((m) => m.threadTs === undefined && (m.text ?? '').includes(`INC-${row.number}:`)),
  );
  const paged = incidents.filter((row) => standIn.messages(`D${ONCALL.slice(1)}`).some((m) => (m.text ?? '').includes(`INC-${row.number}:`)));
  const pending = await runtime.db.incidentNotification.count({ where: { incidentId: { in: incidents.map((row) => row.id) }, status: 'PENDING' } });
  return { assessments, incidents, finalShown, alerted, paged, pending };
}

let state = await settledState();
const settled = () =>
  state.finalShown.length === ASSESSMENTS && state.alerted.length === INCIDENTS && state.paged.length === INCIDENTS && state.pending === 0;
await waitFor(
  async () => {
    state = await settledState();
    return settled();
  },
  SETTLE_BOUND_MS,
  'every assessment and incident in its final state',
).catch(() => undefined);
const settleMs = Date.now() - lastCommandAt;
// Updates still queued or waiting out a 429 when the last message turned final: let them land before counting calls.
await waitFor(
  async () => {
    const counts = await runtime.queues.queues.render.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((count) => count === 0);
  },
  60_000,
  'the render queue drained',
).catch(() => undefined);

// Doubled: more than one message carrying an assessment's intent, more than one alert or page per incident.
const assessmentDoubles = state.assessments.filter(
  (row) => standIn.messages(stack.channelId).filter((m) => JSON.stringify(m.metadata) === JSON.stringify(assessmentPostIntent(row.id))).length > 1,
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
          .messages(stack.channelId)
          .filter((m) => JSON.stringify(m.metadata) === JSON.stringify(assessmentPostIntent(row.id)))
          .map((m) => m.ts),
        recorded: row.messageTs,
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

const notFinal = ASSESSMENTS - state.finalShown.length;
const lost = notFinal + (INCIDENTS - state.alerted.length) + (INCIDENTS - state.paged.length) + unhandled;
const stuck = state.assessments.filter((row) => row.status !== 'COMPLETED').length + (ASSESSMENTS - state.assessments.length) + state.pending;
const result = await writeScenarioResult({
  scenario: 'slack-storm',
  did: `${ASSESSMENTS} assessments and ${INCIDENTS} sev3 incidents (each paging on-call) while the stand-in answered ${STORM.rateLimitedShare * 100} % of Web API calls 429 (Retry-After 1 s) and ${STORM.serverErrorShare * 100} % 5xx (seed ${STORM.seed}); one bot, two worker sets`,
  found: {
    lost,
    doubled: assessmentDoubles + incidentDoubles,
    stuck,
    wrongVerdicts: state.assessments.filter((row) => row.verdict !== 'GO' && row.status === 'COMPLETED').length,
    crashes,
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
  },
});

await stack.close();
await target.close();
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseUrl.pathname.slice(1))} WITH (FORCE)`);
await admin.end();
process.exit(result.pass ? 0 : 1);
