import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { parseReadinessConfig } from '../src/config/readiness-config.ts';
import { openIncident } from '../src/incidents/open-incident.ts';
import { createDb } from '../src/store/prisma.ts';
import { startLocalStack, type LocalStack } from '../tools/demo/local-stack.ts';
import type { LogLevel } from '../src/shared/logger.ts';
import { projectRoot } from '../src/shared/paths.ts';
import { redactUrl } from '../src/store/migrations.ts';
import {
  benchSettings,
  countingLogger,
  failBench,
  pollUntil,
  prepareServices,
  sleep,
  spawnWorkerProcess,
  stopWorkerProcess,
} from './support/harness.ts';
import { round, summarize, type LatencySummary } from './support/stats.ts';

/**
 * `npm run bench:escalation`: opens N incidents (default 100, over 2 s) whose first level has a 2-second timeout, nobody
 * acknowledges, and measures how late each escalation to level 2 happened: the escalation transaction's time
 * minus the moment the level's timeout ran out (the `lateMs` the escalation records). The timers are BullMQ
 * delayed jobs run by a separate worker process, as deployed. Target: p99 lateness < 500 ms, none early, each
 * incident escalated exactly once and its level-2 DM posted exactly once.
 */

const NAME = 'escalation-precision';
const TIMEOUT_MS = 2000;
const TARGET_P99_MS = 500;
const INCIDENTS_CHANNEL = 'C0BENCHINC';
const LEVEL1 = 'U0BENCHLEVEL1';
const LEVEL2 = 'U0BENCHLEVEL2';
/** Incidents are opened at a steady rate over this long: every timer falls due within one 2-second window. */
const DEFAULT_SPREAD_MS = 2000;
const WORKER_READY_TIMEOUT_MS = 30_000;
const ESCALATION_TIMEOUT_MS = 60_000;

const { databaseUrl, redisUrl, resultsPath } = benchSettings(NAME);
const print = (text = '') => process.stdout.write(`${text}\n`);
const fail = (message: string): never => failBench(NAME, message);

function readOptions(): { count: number; spreadMs: number; logLevel: LogLevel } {
  const { values } = parseArgs({
    options: { count: { type: 'string', short: 'n' }, 'spread-ms': { type: 'string' }, 'log-level': { type: 'string' } },
    allowPositionals: false,
  });
  const count = values.count === undefined ? 100 : Number(values.count);
  if (!Number.isInteger(count) || count < 1) fail(`--count must be a positive integer, got ${values.count}`);
  const spreadMs = values['spread-ms'] === undefined ? DEFAULT_SPREAD_MS : Number(values['spread-ms']);
  if (!Number.isFinite(spreadMs) || spreadMs < 0) fail(`--spread-ms must be a number of milliseconds, got ${values['spread-ms']}`);
  const logLevel = (values['log-level'] ?? 'error') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) fail(`--log-level must be debug|info|warn|error, got ${logLevel}`);
  return { count, spreadMs, logLevel };
}

/** Level 1 and level 2 name a user each, both on the bench's timeout; no repeat, so each incident escalates once. */
function benchDocument(service: string) {
  return {
    incidents: {
      channel: INCIDENTS_CHANNEL,
      severities: { sev2: { respondWithin: TIMEOUT_MS, levels: [{ users: [LEVEL1] }, { users: [LEVEL2] }], repeat: 0 } },
    },
    services: {
      [service]: { environments: { bench: {} }, checks: [{ id: 'health', name: 'Health', type: 'http', url: 'http://127.0.0.1:9/healthz' }] },
    },
  };
}

/** Incidents of earlier runs of this bench (and their outbox rows) are deleted; nothing else is touched. */
async function removeEarlierRuns(url: string): Promise<void> {
  const db = createDb(url, countingLogger('error').logger);
  try {
    await db.incident.deleteMany({ where: { service: { startsWith: 'bench-escalation-' } } });
  } finally {
    await db.$disconnect();
  }
}

async function waitForWorkers(local: LocalStack, child: ChildProcess): Promise<void> {
  const { escalations, notify } = local.runtime.incidentQueues.queues;
  const ready = await pollUntil(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) return 'exited' as const;
      const counts = await Promise.all([escalations, notify].map((queue) => queue.getWorkersCount()));
      return counts.every((count) => count > 0) ? ('ready' as const) : ('starting' as const);
    },
    (state) => state !== 'starting',
    Date.now() + WORKER_READY_TIMEOUT_MS,
  );
  if (ready.value === 'exited') throw new Error(`the worker process exited during start-up (code ${child.exitCode})`);
  if (!ready.reached) throw new Error(`the worker process had no incident workers within ${WORKER_READY_TIMEOUT_MS / 1000} s`);
}

interface Measured {
  escalated: number;
  escalatedOnce: number;
  early: number;
  lateness: LatencySummary | null;
  /** From the due time to the level-2 DM answered by Slack: what the paged person experiences. */
  pageDelivery: LatencySummary | null;
  /** Where lateness comes from: BullMQ handing the timer job out late, or the job's own run (lookups, transaction). */
  pickup: LatencySummary | null;
  processing: LatencySummary | null;
  level2Dms: number;
  openMs: number;
}

async function run(local: LocalStack, service: string, count: number, spreadMs: number): Promise<{ measured: Measured; ids: string[] }> {
  const { runtime, standIn } = local;
  const startedAt = Date.now();
  const opened = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      if (spreadMs > 0) await sleep((spreadMs * index) / count);
      return openIncident(runtime.incidents, {
        requestKey: `bench_${service}_${index}`,
        severity: 'SEV2',
        title: `Bench incident ${index}`,
        service,
        openedBy: 'U0BENCHREPORTER',
        originChannel: INCIDENTS_CHANNEL,
      });
    }),
  );
  const openMs = Date.now() - startedAt;
  const ids = opened.map((result) => result.incident.id);
  const escalations = () => runtime.db.auditEvent.findMany({ where: { subjectId: { in: ids }, action: 'incident.escalated' } });
  await pollUntil(escalations, (rows) => rows.length >= count, Date.now() + ESCALATION_TIMEOUT_MS, 200);
  // DMs about this run's incidents (their titles name the run's service).
  const level2Dms = () => standIn.messages(`D${LEVEL2.slice(1)}`).filter((dm) => JSON.stringify(dm.blocks).includes(service)).length;
  await pollUntil(
    async () => level2Dms(),
    (n) => n >= count,
    Date.now() + ESCALATION_TIMEOUT_MS,
    200,
  );

  const rows = await escalations();
  const lateMs = rows.map((row) => Number((row.data as { lateMs?: unknown }).lateMs));
  const perIncident = new Map<string, number>();
  for (const row of rows) perIncident.set(row.subjectId, (perIncident.get(row.subjectId) ?? 0) + 1);
  const incidents = await runtime.db.incident.findMany({ where: { id: { in: ids } }, select: { id: true, createdAt: true } });
  const dueAt = new Map(incidents.map((row) => [row.id, row.createdAt.getTime() + TIMEOUT_MS]));
  const dms = await runtime.db.incidentNotification.findMany({
    where: { incidentId: { in: ids }, destination: 'dm', channel: LEVEL2, status: 'SENT' },
    select: { incidentId: true, sentAt: true },
  });
  const delivery = dms.map((dm) => (dm.sentAt?.getTime() ?? 0) - (dueAt.get(dm.incidentId) ?? 0));
  const escalatedAt = new Map(rows.map((row) => [row.subjectId, row.at.getTime()]));
  const jobs = (await runtime.incidentQueues.queues.escalations.getJobs(['completed'])).filter(
    (job) => ids.includes(job.data.incidentId) && job.data.level === 0,
  );
  const pickup = jobs.map((job) => (job.processedOn ?? 0) - (dueAt.get(job.data.incidentId) ?? 0));
  const processing = jobs.map((job) => (escalatedAt.get(job.data.incidentId) ?? 0) - (job.processedOn ?? 0));
  return {
    ids,
    measured: {
      escalated: perIncident.size,
      escalatedOnce: [...perIncident.values()].filter((n) => n === 1).length,
      early: lateMs.filter((ms) => !(ms >= 0)).length,
      lateness: lateMs.length > 0 ? summarize(lateMs.filter(Number.isFinite)) : null,
      pageDelivery: delivery.length > 0 ? summarize(delivery) : null,
      pickup: pickup.length > 0 ? summarize(pickup) : null,
      processing: processing.length > 0 ? summarize(processing) : null,
      level2Dms: level2Dms(),
      openMs,
    },
  };
}

const describe = (summary: LatencySummary | null) =>
  summary ? `p50 ${round(summary.p50)} ms · p95 ${round(summary.p95)} ms · p99 ${round(summary.p99)} ms · max ${round(summary.max)} ms` : 'n/a';

const options = readOptions();
const dbReport = await prepareServices(NAME, { databaseUrl, redisUrl });
const { logger, logLines } = countingLogger(options.logLevel);
const runTag = randomBytes(3).toString('hex');
const service = `bench-escalation-${runTag}`;
const configDir = await mkdtemp(join(tmpdir(), 'readiness-escalation-'));
const configPath = join(configDir, 'readiness.yaml');
const document = benchDocument(service);
const config = parseReadinessConfig(document, configPath);
await writeFile(configPath, stringify(document));

let local: LocalStack | undefined;
let worker: ChildProcess | undefined;
let passed = false;
try {
  print(`bench ${NAME}: ${options.count} incidents, level timeout ${TIMEOUT_MS} ms, nobody acknowledges`);
  print(
    `  database ${redactUrl(databaseUrl)} (${dbReport}); redis ${redisUrl}; opened ${options.spreadMs > 0 ? `over ${options.spreadMs} ms` : 'all at once'}`,
  );
  // A clean slate: incidents an earlier (crashed) run left open would otherwise be swept up by this run's worker.
  await removeEarlierRuns(databaseUrl);
  local = await startLocalStack({
    config,
    databaseUrl,
    redisUrl,
    logger,
    withWorkers: false,
    standIn: { channels: [INCIDENTS_CHANNEL], users: { [LEVEL1]: { name: 'level1' }, [LEVEL2]: { name: 'level2' } } },
  });
  worker = spawnWorkerProcess(local, { configPath, logLevel: options.logLevel });
  await waitForWorkers(local, worker);

  const { measured, ids } = await run(local, service, options.count, options.spreadMs);
  const checks = {
    allEscalated: measured.escalated === options.count,
    eachEscalatedOnce: measured.escalatedOnce === options.count,
    noneEarly: measured.early === 0,
    eachLevel2PagedOnce: measured.level2Dms === options.count,
    p99UnderTarget: measured.lateness !== null && measured.lateness.p99 < TARGET_P99_MS,
  };
  passed = Object.values(checks).every(Boolean);

  print();
  print(`  escalation lateness (fired − due):  ${describe(measured.lateness)}`);
  print(`  level-2 DM posted after due:        ${describe(measured.pageDelivery)}`);
  print(`    timer job handed out after due:  ${describe(measured.pickup)}`);
  print(`    then until the escalation commit: ${describe(measured.processing)}`);
  print(
    `  escalated ${measured.escalated}/${options.count}, exactly once ${measured.escalatedOnce}, early ${measured.early}; level-2 DMs ${measured.level2Dms}`,
  );
  print(`  opening took ${measured.openMs} ms; error log lines ${logLines.errors}`);

  await local.runtime.db.incident.deleteMany({ where: { id: { in: ids } } });

  const result = {
    name: NAME,
    date: new Date().toISOString(),
    count: options.count,
    spreadMs: options.spreadMs,
    timeoutMs: TIMEOUT_MS,
    target: { p99Ms: TARGET_P99_MS },
    latenessMs: measured.lateness,
    pageDeliveryMs: measured.pageDelivery,
    passed,
    checks,
    details: { ...measured, errorLogLines: logLines.errors },
  };
  await mkdir(join(projectRoot, 'bench', 'results'), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(result, null, 2)}\n`);
  print(`results written to ${resultsPath}`);
  if (passed) print(`PASS: p99 escalation lateness ${round(measured.lateness?.p99 ?? 0)} ms < ${TARGET_P99_MS} ms`);
  else {
    const missed = Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    print('!'.repeat(78));
    print(`FAIL: bench ${NAME} missed its target (${missed.join(', ')})`);
    print('!'.repeat(78));
  }
} catch (error) {
  process.stderr.write(`bench ${NAME} crashed: ${(error as Error).stack ?? String(error)}\n`);
  passed = false;
} finally {
  await stopWorkerProcess(worker);
  await local?.close();
  await rm(configDir, { recursive: true, force: true });
}
process.exitCode = passed ? 0 : 1;
setTimeout(() => process.exit(process.exitCode ?? 1), 10_000).unref();
