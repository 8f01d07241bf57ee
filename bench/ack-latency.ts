import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseReadinessYaml } from '../src/config/readiness-config.ts';
import { jobIds } from '../src/queue/names.ts';
import { startExampleService, type ExampleService } from '../tools/demo/example-service.ts';
import { startLocalStack, type LocalStack } from '../tools/demo/local-stack.ts';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { LogLevel } from '../src/shared/logger.ts';
import { projectRoot } from '../src/shared/paths.ts';
import { redactUrl } from '../src/store/migrations.ts';
import {
  benchSettings,
  countBy,
  countingLogger,
  failBench,
  prepareServices,
  pollUntil,
  spawnWorkerProcess,
  stopWorkerProcess,
} from './support/harness.ts';
import { percentiles, round } from './support/stats.ts';

/**
 * `npm run bench:ack [-- --count N]`: N signed `/readiness run example-api staging` commands sent at once to the
 * whole local stack (stand-in → Bolt over HTTP → Postgres + BullMQ, workers running). Measures how fast Slack
 * gets its ack and whether every command became exactly one assessment with exactly one queued flow.
 */

const NAME = 'ack-latency';
const TARGET_P99_MS = 3000;
const SERVICE = 'example-api';
const ENVIRONMENT = 'staging';
const ROWS_TIMEOUT_MS = 60_000;
const JOBS_TIMEOUT_MS = 15_000;
const COMPLETION_TIMEOUT_MS = 120_000;
const EXIT_WATCHDOG_MS = 15_000;

const { databaseUrl, redisUrl, resultsPath } = benchSettings(NAME);

const print = (text = '') => process.stdout.write(`${text}\n`);

function fail(message: string): never {
  return failBench(NAME, message);
}

function readOptions(): { count: number; logLevel: LogLevel } {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', short: 'n' },
      'log-level': { type: 'string' },
    },
    allowPositionals: false,
  });
  const count = values.count === undefined ? 200 : Number(values.count);
  if (!Number.isInteger(count) || count < 1) fail(`--count must be a positive integer, got ${values.count}`);
  const logLevel = (values['log-level'] ?? 'error') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) fail(`--log-level must be debug|info|warn|error, got ${logLevel}`);
  return { count, logLevel };
}

interface AckOutcome {
  triggerId: string;
  userId: string;
  status: number;
  latencyMs: number;
  text: string | undefined;
  error: string | undefined;
}

const describeCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([key, n]) => `${key}=${n}`)
    .join(', ') || '(none)';

async function run(stack: LocalStack, count: number, logLines: { errors: number }) {
  const { standIn, runtime, eventsUrl, channelId } = stack;
  const db = runtime.db;
  const queue = runtime.queues.queues.assessments;

  // Distinct, recognisable per run: the triggerId becomes the assessment's requestKey.
  const runTag = randomBytes(4).toString('hex');
  const commands = Array.from({ length: count }, (_, i) => ({
    triggerId: `bench.${runTag}.${String(i).padStart(5, '0')}`,
    userId: `UB${runTag.toUpperCase()}${String(i).padStart(5, '0')}`,
  }));
  const triggerIds = commands.map((command) => command.triggerId);
  const text = `run ${SERVICE} ${ENVIRONMENT}`;

  const [dbClock] = await db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
  const windowStart = dbClock?.now ?? new Date();
  const startedAt = Date.now();

  // All at once: every request is in flight before the first answer is read.
  const acks = await Promise.all(
    commands.map(async ({ triggerId, userId }): Promise<AckOutcome> => {
      const started = performance.now();
      try {
        const result = await standIn.sendSlashCommand(eventsUrl, { text, userId, channelId, triggerId });
        const ackText = (result.json as { text?: unknown } | undefined)?.text;
        return {
          triggerId,
          userId,
          status: result.status,
          latencyMs: result.latencyMs,
          text: typeof ackText === 'string' ? ackText : undefined,
          error: undefined,
        };
      } catch (error) {
        // The request never got an HTTP answer; it still counts, with the time it took to fail.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        return {
          triggerId,
          userId,
          status: 0,
          latencyMs: performance.now() - started,
          text: undefined,
          error: cause?.code ?? cause?.message ?? (error as Error).message,
        };
      }
    }),
  );
  const ackMs = percentiles(
    acks.map((ack) => ack.latencyMs),
    { p50: 50, p95: 95, p99: 99, max: 100 },
  );
  const http200 = acks.filter((ack) => ack.status === 200).length;

  // Every command's assessment row (the ack goes out before the row is written, so wait for them).
  const rowsDeadline = Date.now() + ROWS_TIMEOUT_MS;
  const rows = await pollUntil(
    () => db.assessment.findMany({ where: { requestKey: { in: triggerIds } }, select: { id: true, requestKey: true, status: true } }),
    (found) => found.length >= count,
    rowsDeadline,
    200,
  );
  const rowsByKey = new Map<string, { id: string; status: string }[]>();
  for (const row of rows.value) rowsByKey.set(row.requestKey, [...(rowsByKey.get(row.requestKey) ?? []), row]);

  // …and each one's parent job (added to BullMQ just after the row is committed).
  const jobsDeadline = Date.now() + JOBS_TIMEOUT_MS;
  const jobState = new Map<string, string>();
  await pollUntil(
    async () => {
      const pending = rows.value.filter((row) => !jobState.has(row.id));
      await Promise.all(
        pending.map(async (row) => {
          const job = await queue.getJob(jobIds.assessment(row.id));
          if (job) jobState.set(row.id, await job.getState());
        }),
      );
      return jobState.size;
    },
    (found) => found >= rows.value.length,
    jobsDeadline,
    200,
  );
  const jobCountsAfterEnqueue = await queue.getJobCounts();
  const jobsInQueue = Object.values(jobCountsAfterEnqueue).reduce((total, n) => total + n, 0);

  let enqueuedExactlyOnce = 0;
  const problems: string[] = [];
  for (const { triggerId } of commands) {
    const forKey = rowsByKey.get(triggerId) ?? [];
    const [only] = forKey;
    if (forKey.length === 1 && only && jobState.has(only.id)) enqueuedExactlyOnce += 1;
    else if (forKey.length === 0) problems.push(`${triggerId}: no assessment row`);
    else if (forKey.length > 1) problems.push(`${triggerId}: ${forKey.length} assessment rows`);
    else problems.push(`${triggerId}: assessment ${only?.id} (${only?.status}) has no ${jobIds.assessment(only?.id ?? '?')} job`);
  }
  // Rows written while the benchmark ran, whoever wrote them: more than N means a command started twice.
  const rowsCreated = await db.assessment.count({ where: { createdAt: { gte: windowStart } } });

  // Bounded wait for the workers to finish every assessment.
  const completion = await pollUntil(
    () =>
      db.assessment.groupBy({
        by: ['status'],
        where: { requestKey: { in: triggerIds } },
        _count: { _all: true },
        _max: { completedAt: true },
      }),
    (groups) => groups.length === 1 && groups[0]?.status === 'COMPLETED' && groups[0]._count._all === count,
    startedAt + COMPLETION_TIMEOUT_MS,
    250,
  );
  const byStatus = Object.fromEntries(completion.value.map((group) => [group.status, group._count._all]));
  const completed = byStatus.COMPLETED ?? 0;
  const lastCompletedAt = completion.value.find((group) => group.status === 'COMPLETED')?._max.completedAt;
  const wallMs = completion.reached && lastCompletedAt ? lastCompletedAt.getTime() - startedAt : Date.now() - startedAt;

  const failedRows = await db.assessment.findMany({
    where: { requestKey: { in: triggerIds }, status: 'FAILED' },
    select: { failureReason: true },
  });
  const jobCountsAtEnd = await queue.getJobCounts();

  return {
    acks,
    ackMs,
    http200,
    rowsFound: rows.value.length,
    rowsCreated,
    jobsFound: jobState.size,
    jobStates: countBy([...jobState.values()], (state) => state),
    jobCountsAfterEnqueue,
    jobsInQueue,
    jobCountsAtEnd,
    enqueuedExactlyOnce,
    problems,
    completed,
    completionReached: completion.reached,
    byStatus,
    wallMs,
    failureReasons: countBy(failedRows, (row) => row.failureReason ?? '(none)'),
    ackTexts: countBy(acks, (ack) => ack.text ?? (ack.error ? `transport error: ${ack.error}` : `HTTP ${ack.status}, no text`)),
    // What users were told after the ack (errors go to the response_url) and the messages the bot posted.
    responseUrlPosts: countBy(standIn.responses, (response) => `${response.status} ${String(response.body.text ?? '(no text)').slice(0, 160)}`),
    postMessages: countBy(
      standIn.callsTo('chat.postMessage'),
      (call) => `${call.status} ${call.response.ok === true ? 'ok' : String(call.response.error)}`,
    ),
    chatUpdates: standIn.callsTo('chat.update').length,
    errorLogLines: logLines.errors,
  };
}

const { count, logLevel } = readOptions();
const dbReport = await prepareServices(NAME, { databaseUrl, redisUrl });
const { logger, logLines } = countingLogger(logLevel);

let target: ExampleService | undefined;
let stack: LocalStack | undefined;
let workerProcess: ChildProcess | undefined;

/** The worker process reads the example config with the live example service's address. */
async function writeWorkerConfig(baseUrl: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'readiness-bench-'));
  const path = join(dir, 'readiness.yaml');
  const yaml = (await readFile(join(projectRoot, 'examples', 'readiness.yaml'), 'utf8')).replace('http://127.0.0.1:4010', baseUrl);
  await writeFile(path, yaml);
  return path;
}

let passed = false;
try {
  target = await startExampleService();
  const configPath = join(projectRoot, 'examples', 'readiness.yaml');
  const config = parseReadinessYaml(await readFile(configPath, 'utf8'), configPath);
  const staging = config.services[SERVICE]?.environments[ENVIRONMENT];
  if (!staging) fail(`${configPath} has no ${SERVICE}/${ENVIRONMENT}`);
  staging.vars.baseUrl = target.url;

  // Deployed as in production: the bot in this process, the workers in a process of their own (`npm run worker`).
  stack = await startLocalStack({ config, databaseUrl, redisUrl, logger, withWorkers: false });
  workerProcess = spawnWorkerProcess(stack, { configPath: await writeWorkerConfig(target.url), logLevel: 'error' });
  print(`bench ${NAME}: ${count} concurrent \`/readiness run ${SERVICE} ${ENVIRONMENT}\``);
  print(`  database ${redactUrl(databaseUrl)} (${dbReport}); redis ${redisUrl}; workers in a separate process (pid ${workerProcess.pid})`);
  print(`  bot ${stack.eventsUrl}; example service ${target.url}`);
  print();

  const r = await run(stack, count, logLines);
  const checks = {
    p99UnderTarget: r.ackMs.p99 < TARGET_P99_MS,
    allEnqueuedExactlyOnce: r.enqueuedExactlyOnce === count,
    rowsCreatedEqualsCount: r.rowsCreated === count,
    queueHoldsOneJobPerCommand: r.jobsInQueue === count,
  };
  passed = Object.values(checks).every(Boolean);

  const ms = (value: number) => `${value.toFixed(0)} ms`;
  print('ack latency (HTTP round trip of the signed command, as Slack would time it)');
  print(`  p50 ${ms(r.ackMs.p50)}   p95 ${ms(r.ackMs.p95)}   p99 ${ms(r.ackMs.p99)}   max ${ms(r.ackMs.max)}   (target p99 < ${TARGET_P99_MS} ms)`);
  print(`  HTTP 200: ${r.http200}/${count}`);
  print(`  ack texts: ${describeCounts(r.ackTexts)}`);
  print();
  print('enqueueing');
  print(`  assessment rows found for the ${count} trigger ids: ${r.rowsFound}; rows created during the run: ${r.rowsCreated}`);
  print(`  parent jobs found: ${r.jobsFound} (${describeCounts(r.jobStates)})`);
  print(`  assessments queue job counts: ${describeCounts(r.jobCountsAfterEnqueue)} (total ${r.jobsInQueue})`);
  print(`  enqueued exactly once: ${r.enqueuedExactlyOnce}/${count}`);
  for (const problem of r.problems.slice(0, 10)) print(`    ${problem}`);
  if (r.problems.length > 10) print(`    … and ${r.problems.length - 10} more`);
  print();
  print('execution (checks against the local example service)');
  print(
    `  completed: ${r.completed}/${count} in ${(r.wallMs / 1000).toFixed(1)} s` +
      `${r.completionReached ? '' : ` (gave up after ${COMPLETION_TIMEOUT_MS / 1000} s)`}; by status: ${describeCounts(r.byStatus)}`,
  );
  if (Object.keys(r.failureReasons).length > 0) print(`  failure reasons: ${describeCounts(r.failureReasons)}`);
  print(`  chat.postMessage: ${describeCounts(r.postMessages)}; chat.update calls: ${r.chatUpdates}`);
  print(`  response_url posts (what users were told after the ack): ${describeCounts(r.responseUrlPosts)}`);
  print(`  error log lines from the bot: ${r.errorLogLines}`);
  print();

  const result = {
    name: NAME,
    date: new Date().toISOString(),
    count,
    ackMs: { p50: round(r.ackMs.p50), p95: round(r.ackMs.p95), p99: round(r.ackMs.p99), max: round(r.ackMs.max) },
    http200: r.http200,
    enqueuedExactlyOnce: r.enqueuedExactlyOnce,
    completed: r.completed,
    wallMs: Math.round(r.wallMs),
    target: { p99Ms: TARGET_P99_MS },
    passed,
    checks,
    details: {
      rowsFound: r.rowsFound,
      rowsCreated: r.rowsCreated,
      jobsFound: r.jobsFound,
      jobStates: r.jobStates,
      jobCountsAfterEnqueue: r.jobCountsAfterEnqueue,
      jobCountsAtEnd: r.jobCountsAtEnd,
      assessmentsByStatus: r.byStatus,
      failureReasons: r.failureReasons,
      ackTexts: r.ackTexts,
      responseUrlPosts: r.responseUrlPosts,
      postMessages: r.postMessages,
      errorLogLines: r.errorLogLines,
      problems: r.problems.slice(0, 50),
    },
  };
  await mkdir(join(projectRoot, 'bench', 'results'), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(result, null, 2)}\n`);
  print(`results written to ${resultsPath}`);

  if (passed) {
    print(`PASS: p99 ack ${ms(r.ackMs.p99)} < ${TARGET_P99_MS} ms and all ${count} commands enqueued exactly once`);
  } else {
    const missed = Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name)
      .join(', ');
    const banner = '!'.repeat(78);
    print(banner);
    print(`FAIL: bench ${NAME} missed its target (${missed})`);
    print(
      `  p99 ack ${ms(r.ackMs.p99)} (target < ${TARGET_P99_MS} ms); enqueued exactly once ${r.enqueuedExactlyOnce}/${count}; ` +
        `rows created ${r.rowsCreated}; jobs in queue ${r.jobsInQueue}`,
    );
    print(banner);
  }
  if (r.completed < count) print(`WARNING: only ${r.completed}/${count} assessments reached COMPLETED`);
} catch (error) {
  process.stderr.write(`bench ${NAME} crashed: ${(error as Error).stack ?? String(error)}\n`);
  passed = false;
} finally {
  await stopWorkerProcess(workerProcess);
  await stack?.close().catch((error: unknown) => process.stderr.write(`closing the stack failed: ${String(error)}\n`));
  await target?.close();
}

process.exitCode = passed ? 0 : 1;
// Everything is closed, so Node should exit now; if a handle is left open, say which instead of hanging.
setTimeout(() => {
  process.stderr.write(`bench ${NAME}: still running ${EXIT_WATCHDOG_MS} ms after closing; open: ${process.getActiveResourcesInfo().join(', ')}\n`);
  process.exit(1);
}, EXIT_WATCHDOG_MS).unref();
