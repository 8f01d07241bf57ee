// Guarantee 6, workers: SIGTERM stops a worker within its 10 s grace (plus the close), exit 0, nothing left locked,
// every job finished or handed to the other worker. Two worker processes and the bot run 30 assessments of 5 webhook
// checks answered after 0.5–14 s (some outlive the grace, so they are handed off); every 6–12 s one worker holding
// check jobs gets SIGTERM and is started again once it has exited.
//
// `npm run chaos -- sigterm`; ASSESSMENTS=<n> for another size.
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { migrationsDir } from '../../src/shared/paths.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { CheckEndpoint } from '../../tools/demo/check-endpoint.ts';
import { startLocalStack } from '../../tools/demo/local-stack.ts';
import { entryProcesses, exited, type EntryProcess } from '../../test/support/processes.ts';
import { waitFor } from './support/private-services.ts';
import { writeScenarioResult } from './support/result.ts';
import { wholeNumberFromEnv } from './support/env.ts';

const ASSESSMENTS = wholeNumberFromEnv('ASSESSMENTS', 30);
const CHECKS = ['c1', 'c2', 'c3', 'c4', 'c5'];
const ENVIRONMENTS = ['e1', 'e2', 'e3', 'e4', 'e5'];
/** Assessments in flight at once: enough that a kill always finds checks running. */
const IN_FLIGHT = 10;
/** One new assessment this often (100 take over 3 minutes). */
const LAUNCH_EVERY_MS = 3000;
/** The grace (10 s) and the close after it. */
const STOP_BOUND_MS = 12_000;
/** How long after the last kill every assessment must have its verdict. */
const SETTLE_BOUND_MS = 120_000;
const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const random = (min: number, max: number) => min + Math.random() * (max - min);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
};

const databaseUrl = `${serverUrl}/readiness_chaos_st_${randomBytes(4).toString('hex')}`;
await ensureDatabase(databaseUrl);
await applyMigrations(databaseUrl, migrationsDir);
const endpoint = await CheckEndpoint.start(() => ({ afterMs: Math.random() < 0.2 ? random(10_000, 14_000) : random(500, 4000) }));
const document = {
  services: {
    shop: {
      environments: Object.fromEntries(ENVIRONMENTS.map((environment) => [environment, {}])),
      checks: CHECKS.map((id) => ({ id, name: id, type: 'webhook', severity: 'critical', url: `${endpoint.url}/${id}`, timeoutMs: 20_000 })),
    },
  },
};
const stack = await startLocalStack({
  config: parseReadinessConfig(document, 'sigterm scenario'),
  databaseUrl,
  redisUrl,
  logger: silentLogger,
  withWorkers: false,
});
const configPath = join(await mkdtemp(join(tmpdir(), 'readiness-chaos-st-')), 'readiness.yaml');
await writeFile(configPath, JSON.stringify(document));
const checksQueue = stack.runtime.queues.queues.checks;

const processes = entryProcesses();
/** Workers that ended without being killed by us: crashes. */
let crashes = 0;
const killedByUs = new Set<EntryProcess>();
function startWorker(): EntryProcess {
  const worker = processes.start('worker.ts', {
    SLACK_BOT_TOKEN: stack.runtime.settings.slackBotToken,
    SLACK_API_URL: stack.runtime.settings.slackApiUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: stack.runtime.settings.queuePrefix,
    READINESS_CONFIG: configPath,
    WORKER_CONCURRENCY: '50',
    LOG_LEVEL: 'info',
  });
  void exited(worker).then((how) => {
    if (!killedByUs.has(worker)) {
      crashes += 1;
      process.stdout.write(`worker ${worker.pid} ended on its own (${how}):\n${worker.output().slice(-2000)}\n`);
    }
  });
  return worker;
}
const started = (worker: EntryProcess) => worker.output().includes('readiness workers started');
const nameOf = (worker: EntryProcess) => `${hostname()}:${worker.pid}`;

let workers = [startWorker(), startWorker()];
await waitFor(() => workers.every(started), 60_000, 'two workers started');

// The assessments, IN_FLIGHT at a time, through the bot as Slack would send them.
const requested: string[] = [];
let launching = true;
const launcher = (async () => {
  const finished = async (triggerId: string) => {
    const row = await stack.runtime.db.assessment.findUnique({ where: { requestKey: triggerId } });
    return row?.status === 'COMPLETED' || row?.status === 'FAILED';
  };
  for (let i = 0; i < ASSESSMENTS; i++) {
    await waitFor(async () => (await Promise.all(requested.map(finished))).filter((done) => !done).length < IN_FLIGHT, 600_000, 'a slot');
    const { triggerId } = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
      text: `run shop ${ENVIRONMENTS[i % ENVIRONMENTS.length]}`,
      userId: 'U0CHAOS',
      channelId: stack.channelId,
    });
    requested.push(triggerId);
    // Paced, so the run outlasts many kill-and-restart cycles (a restarted worker takes seconds to load).
    await sleep(LAUNCH_EVERY_MS);
  }
  launching = false;
})();

// The stops: SIGTERM to a worker holding check jobs, at a random moment; started again once it has exited.
interface Stop {
  stopMs: number;
  exit: NodeJS.Signals | number | null;
  held: number;
  /** Held jobs still locked or active under the stopped process's name after it exited. */
  leftLocked: number;
  /** The worker's log says it handed running jobs back (they outlived the grace). */
  handedOff: boolean;
}
const stops: Stop[] = [];
let lastKillAt = Date.now();
while (launching) {
  await sleep(random(6000, 12_000));
  if (!launching) break;
  const ready = workers.filter(started);
  if (ready.length < 2) continue;
  const active = await checksQueue.getJobs(['active']);
  const candidates = ready.filter((worker) => active.some((job) => job.processedBy === nameOf(worker)));
  const victim = candidates[Math.floor(Math.random() * candidates.length)];
  if (!victim) continue;
  const held = active.filter((job) => job.processedBy === nameOf(victim)).map((job) => job.id ?? '');
  killedByUs.add(victim);
  const stoppedAt = Date.now();
  victim.kill('SIGTERM');
  const exit = await exited(victim);
  lastKillAt = Date.now();
  let leftLocked = 0;
  for (const jobId of held) {
    const job = await checksQueue.getJob(jobId);
    const locked = (await stack.runtime.producer.exists(`${stack.runtime.settings.queuePrefix}:checks:${jobId}:lock`)) === 1;
    if (job && job.processedBy === nameOf(victim) && (locked || (await job.getState()) === 'active')) leftLocked += 1;
  }
  stops.push({
    stopMs: lastKillAt - stoppedAt,
    exit,
    held: held.length,
    leftLocked,
    handedOff: victim.output().includes('handed them to other workers'),
  });
  process.stdout.write(
    `stop ${stops.length}: worker ${victim.pid} holding ${held.length} check jobs exited ${exit} after ${lastKillAt - stoppedAt} ms\n`,
  );
  workers = [...workers.filter((worker) => worker !== victim), startWorker()];
}
await launcher;

// Every assessment settles: its verdict within SETTLE_BOUND_MS of the last kill.
const assessmentOf = (triggerId: string) => stack.runtime.db.assessment.findUnique({ where: { requestKey: triggerId }, include: { checks: true } });
let stuck = 0;
try {
  await waitFor(
    async () => (await Promise.all(requested.map(assessmentOf))).every((row) => row?.status === 'COMPLETED' || row?.status === 'FAILED'),
    Math.max(1000, SETTLE_BOUND_MS - (Date.now() - lastKillAt)),
    'every assessment finished',
  );
} catch {
  // Counted below.
}
const settledMs = Date.now() - lastKillAt;

const stopTimes = stops.map((stop) => stop.stopMs);

const rows = await Promise.all(requested.map(assessmentOf));
let lost = 0;
let wrongVerdicts = 0;
let doubled = 0;
let rerunsAfterKill = 0;
for (const row of rows) {
  if (!row) {
    lost += 1;
    continue;
  }
  if (row.status !== 'COMPLETED') stuck += 1;
  else if (row.verdict !== 'GO') wrongVerdicts += 1;
  for (const check of row.checks) {
    if (check.status === 'PENDING') lost += 1;
    const calls = endpoint.callsFor(row.id, check.checkId);
    // A probe started after the result was recorded: a recorded check run again.
    const finishedAt = check.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY;
    doubled += calls.filter((call) => call.at > finishedAt).length;
    rerunsAfterKill += Math.max(0, calls.filter((call) => call.at <= finishedAt).length - 1);
  }
}
const completions = await stack.runtime.db.auditEvent.groupBy({
  by: ['subjectId'],
  where: { action: 'assessment.completed' },
  _count: { _all: true },
});
doubled += completions.filter((group) => group._count._all > 1).length;

// SIGTERM: both workers stop gracefully, exit 0, and leave nothing locked.
const remaining = workers.filter((worker) => worker.exitCode === null && worker.signalCode === null);
// A worker restarted by the last kill may still be loading its modules, before it handles SIGTERM at all.
await waitFor(() => remaining.every(started), 60_000, 'the workers started before SIGTERM');
for (const worker of remaining) killedByUs.add(worker);
const stopStarted = Date.now();
for (const worker of remaining) worker.kill('SIGTERM');
const exitCodes = await Promise.all(remaining.map(exited));
const stopMs = Date.now() - stopStarted;
crashes += exitCodes.filter((code) => code !== 0).length;
const locks = await stack.runtime.producer.keys(`${stack.runtime.settings.queuePrefix}:*:lock`);
stuck += locks.length + stops.reduce((sum, stop) => sum + stop.leftLocked, 0);
crashes += stops.filter((stop) => stop.exit !== 0).length;

await writeScenarioResult({
  scenario: 'sigterm',
  did: `${requested.length} assessments of ${CHECKS.length} webhook checks (a fifth outliving the 10 s grace) on 2 worker processes; ${stops.length} SIGTERMs of a worker holding check jobs (${stops.reduce((sum, stop) => sum + stop.held, 0)} jobs running), each restarted after it exited`,
  found: { lost, doubled, stuck, wrongVerdicts, crashes },
  recovery: [
    { what: 'stop p50 (SIGTERM → exit)', ms: percentile(stopTimes, 50), boundMs: STOP_BOUND_MS },
    { what: 'stop max', ms: Math.max(0, ...stopTimes), boundMs: STOP_BOUND_MS },
    { what: 'every verdict in, after the last stop', ms: settledMs, boundMs: SETTLE_BOUND_MS },
  ],
  figures: {
    assessments: requested.length,
    stops: stops.length,
    exitCodes: stops.map((stop) => String(stop.exit)).join(','),
    handedOffStops: stops.filter((stop) => stop.handedOff).length,
    probeCalls: endpoint.calls.length,
    rerunsOfInterruptedChecks: rerunsAfterKill,
    finalStopMs: stopMs,
    loadAverage: loadavg()
      .map((load) => load.toFixed(2))
      .join(' '),
  },
});

await processes.killAll();
await stack.close();
await endpoint.close();
const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(new URL(databaseUrl).pathname.slice(1))} WITH (FORCE)`);
await admin.end();
process.exit(0);
