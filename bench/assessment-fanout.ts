import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { runCli } from '../src/cli/cli.ts';
import { cliDeps } from '../src/main/cli-deps.ts';
import { parseReadinessConfig } from '../src/config/readiness-config.ts';
import type { ReadinessReport } from '../src/readiness/report.ts';
import { checkWorkerCount } from '../jobs/check-workers.ts';
import { CHECK_BATCH_SIZE, checkBatches } from '../src/queue/check-batches.ts';
import { jobIds } from '../src/queue/names.ts';
import { startLocalStack, type LocalStack } from '../tools/demo/local-stack.ts';
import type { Logger, LogLevel } from '../src/shared/logger.ts';
import { projectRoot } from '../src/shared/paths.ts';
import { validateBlocks, validateMessageText } from '../src/slack/block-kit-limits.ts';
import { redactUrl } from '../src/store/migrations.ts';
import { round, summarize } from './support/stats.ts';
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

/**
 * `npm run bench:fanout`: one `/readiness run` of a service with 50, then 200 `http` checks against a local
 * server whose every endpoint answers after 200 ms. The checks of an assessment are parallel child jobs, so
 * the assessment should take about as long as its slowest check: wall / slowest < 1.5. Then the CLI gate on
 * the same 50 checks (every check at once, in-process): wall < 1 s + the slowest check.
 */

const NAME = 'assessment-fanout';
const SIZES = [50, 200] as const;
const CLI_SIZE = 50;
const ENDPOINT_LATENCY_MS = 200;
const CHECK_TIMEOUT_MS = 5000;
const TARGET_RATIO = 1.5;
const CLI_MARGIN_MS = 1000;
/** The worker's own default (src/config/env.ts): one process runs all 200 checks side by side. */
const DEFAULT_WORKER_CONCURRENCY = 200;
const DEFAULT_WORKER_PROCESSES = 1;
const DEFAULT_WARMUP = 1;
const DEFAULT_REPEAT = 3;
const ENVIRONMENT = 'bench';
const WORKER_READY_TIMEOUT_MS = 30_000;
const COMPLETION_TIMEOUT_MS = 60_000;
const MESSAGE_TIMEOUT_MS = 20_000;
const RENDER_IDLE_TIMEOUT_MS = 10_000;
const EXIT_WATCHDOG_MS = 15_000;

const { databaseUrl, redisUrl, resultsPath } = benchSettings(NAME);

const print = (text = '') => process.stdout.write(`${text}\n`);
const pad = (i: number) => String(i).padStart(3, '0');
const ms = (value: number) => `${value.toFixed(0)} ms`;

function fail(message: string): never {
  return failBench(NAME, message);
}

interface Options {
  concurrency: number;
  /** Worker processes (replicas), each with `concurrency`. */
  workers: number;
  /** Unmeasured assessments after the cold one. */
  warmup: number;
  /** Measured steady-state assessments per size; the median ratio is judged. */
  repeat: number;
  logLevel: LogLevel;
  /** Where the worker process writes V8 CPU profiles (`--cpu-prof`), to see where its time goes. */
  cpuProfileDir: string | undefined;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      concurrency: { type: 'string', short: 'c' },
      workers: { type: 'string' },
      warmup: { type: 'string' },
      repeat: { type: 'string' },
      'log-level': { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
    allowPositionals: false,
  });
  const concurrency = values.concurrency === undefined ? DEFAULT_WORKER_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) fail(`--concurrency must be a positive integer, got ${values.concurrency}`);
  const workers = values.workers === undefined ? DEFAULT_WORKER_PROCESSES : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) fail(`--workers must be a positive integer, got ${values.workers}`);
  const warmup = values.warmup === undefined ? DEFAULT_WARMUP : Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0) fail(`--warmup must be a non-negative integer, got ${values.warmup}`);
  const repeat = values.repeat === undefined ? DEFAULT_REPEAT : Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) fail(`--repeat must be a positive integer, got ${values.repeat}`);
  const logLevel = (values['log-level'] ?? 'error') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) fail(`--log-level must be debug|info|warn|error, got ${logLevel}`);
  return { concurrency, workers, warmup, repeat, logLevel, cpuProfileDir: values['cpu-prof'] };
}

const describeCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([key, n]) => `${key}=${n}`)
    .join(', ') || '(none)';

// ---------------------------------------------------------------------------------------------------------
// The target: every path answers 200 after ENDPOINT_LATENCY_MS, and the server counts what it saw.

interface ServerStats {
  requests: number;
  distinctPaths: number;
  /** The most requests in flight at once: N means every check's request was open at the same time. */
  peakInFlight: number;
  /** First and last request arrival, in ms after the reference time (by default the last reset). */
  firstArrivalMs: number | null;
  lastArrivalMs: number | null;
}

interface SlowServer {
  url: string;
  /** When each path's request arrived (epoch ms), since the last reset. */
  arrivals(): ReadonlyMap<string, number>;
  /** What the server saw since the last reset; arrival times relative to `reference` (epoch ms). */
  stats(reference?: number): ServerStats;
  reset(): void;
  close(): Promise<void>;
}

async function startSlowServer(latencyMs: number): Promise<SlowServer> {
  let inFlight = 0;
  let peakInFlight = 0;
  let requests = 0;
  let paths = new Map<string, number>();
  let resetAt = Date.now();
  let firstArrival: number | null = null;
  let lastArrival: number | null = null;
  const server: Server = createServer((req, res) => {
    const arrival = Date.now();
    firstArrival ??= arrival;
    lastArrival = arrival;
    requests += 1;
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!paths.has(path)) paths.set(path, arrival);
    req.resume();
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}', () => {
        inFlight -= 1;
      });
    }, latencyMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 1024, resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the slow server has no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    arrivals: () => paths,
    stats: (reference = resetAt) => ({
      requests,
      distinctPaths: paths.size,
      peakInFlight,
      firstArrivalMs: firstArrival === null ? null : firstArrival - reference,
      lastArrivalMs: lastArrival === null ? null : lastArrival - reference,
    }),
    reset() {
      resetAt = Date.now();
      firstArrival = null;
      lastArrival = null;
      requests = 0;
      peakInFlight = inFlight;
      paths = new Map();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Configs: one service, N low-severity http checks against distinct paths of the slow server.

const serviceFor = (size: number) => `fanout-${size}`;

function fanoutDocument(size: number, baseUrl: string) {
  return {
    services: {
      [serviceFor(size)]: {
        description: `${size} http checks against local endpoints that each take ${ENDPOINT_LATENCY_MS} ms (bench ${NAME})`,
        environments: { [ENVIRONMENT]: { vars: { baseUrl } } },
        checks: Array.from({ length: size }, (_, i) => ({
          id: `endpoint-${pad(i)}`,
          name: `Endpoint ${pad(i)} answers`,
          type: 'http',
          category: 'infrastructure',
          severity: 'low',
          url: `{{baseUrl}}/endpoint/${pad(i)}`,
          expectStatus: 200,
          timeoutMs: CHECK_TIMEOUT_MS,
        })),
      },
    },
  };
}

/** The config validated as the bot reads it, and the same document as the readiness.yaml the worker loads. */
async function writeFanoutConfig(dir: string, size: number, baseUrl: string) {
  const document = fanoutDocument(size, baseUrl);
  const path = join(dir, `readiness-${size}.yaml`);
  const config = parseReadinessConfig(document, path);
  await writeFile(path, stringify(document));
  return { config, path };
}

// ---------------------------------------------------------------------------------------------------------
// The bot: stand-in → Bolt (this process) → Postgres + BullMQ → one worker process.

/**
 * CPU time (user + system, ms) used so far by a process and its descendants (`tsx` runs the worker in a child
 * process), from /proc; undefined where /proc is not available.
 */
async function processTreeCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const ticksPerSecond = 100; // USER_HZ on Linux
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let total = ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    for (const task of await readdir(`/proc/${pid}/task`)) {
      const children = (await readFile(`/proc/${pid}/task/${task}/children`, 'utf8')).trim();
      for (const child of children ? children.split(' ') : []) total += (await processTreeCpuMs(Number(child))) ?? 0;
    }
    return total;
  } catch {
    return undefined;
  }
}

/**
 * Until the worker process has a BullMQ worker on the render and assessments queues and all `checkWorkers` on
 * the checks queue, so its start-up is not timed.
 */
async function waitForWorkers(local: LocalStack, children: ChildProcess[], checkWorkers: number): Promise<void> {
  const { render, assessments, checks } = local.runtime.queues.queues;
  const ready = await pollUntil(
    async () => {
      if (children.some((child) => child.exitCode !== null || child.signalCode !== null)) return 'exited' as const;
      const [renderCount, assessmentCount, checkCount] = await Promise.all([render, assessments, checks].map((queue) => queue.getWorkersCount()));
      return renderCount! > 0 && assessmentCount! > 0 && checkCount! >= checkWorkers ? ('ready' as const) : ('starting' as const);
    },
    (state) => state !== 'starting',
    Date.now() + WORKER_READY_TIMEOUT_MS,
    100,
  );
  if (ready.value === 'exited') {
    const exited = children.find((child) => child.exitCode !== null || child.signalCode !== null);
    throw new Error(`a worker process exited during start-up (code ${exited?.exitCode}, signal ${exited?.signalCode})`);
  }
  if (!ready.reached) throw new Error(`the worker process had no worker on every queue within ${WORKER_READY_TIMEOUT_MS / 1000} s`);
}

/** Sends the command and waits for its assessment row to finish (or the deadline). */
async function runAssessment(local: LocalStack, service: string, triggerId: string) {
  const { standIn, runtime, eventsUrl, channelId } = local;
  const sentAt = Date.now();
  const ack = await standIn.sendSlashCommand(eventsUrl, { text: `run ${service} ${ENVIRONMENT}`, userId: 'UBENCHFANOUT', channelId, triggerId });
  // Polls the status alone (cheap), so the polling takes as little CPU and database time as it can from the run.
  const finished = await pollUntil(
    () => runtime.db.assessment.findUnique({ where: { requestKey: triggerId }, select: { status: true } }),
    (row) => row !== null && (row.status === 'COMPLETED' || row.status === 'FAILED'),
    Date.now() + COMPLETION_TIMEOUT_MS,
  );
  const row = await runtime.db.assessment.findUnique({ where: { requestKey: triggerId }, include: { checks: true } });
  return { ack, sentAt, row, finished: finished.reached };
}

/**
 * When BullMQ added the flow, handed out and finished the job of each check (the batch job holding it: the checks
 * are batched in config order, which is `checkIds` sorted here), and handed out the verdict job.
 */
async function checkJobTimes(local: LocalStack, assessmentId: string, unordered: string[]) {
  const checkIds = [...unordered].sort();
  const { checks, assessments } = local.runtime.queues.queues;
  const [parent, ...batches] = await Promise.all([
    assessments.getJob(jobIds.assessment(assessmentId)),
    ...checkBatches(checkIds).map((_, index) => checks.getJob(jobIds.checkBatch(assessmentId, index))),
  ]);
  const children = checkIds.map((_, i) => batches[Math.floor(i / CHECK_BATCH_SIZE)]);
  const pickedUp = children.map((job) => job?.processedOn).filter((t): t is number => t !== undefined);
  const byCheck = new Map<string, { pickedUpAt: number | undefined; finishedAt: number | undefined }>();
  checkIds.forEach((checkId, i) => {
    byCheck.set(checkId, { pickedUpAt: children[i]?.processedOn, finishedAt: children[i]?.finishedOn });
  });
  return {
    flowAddedAt: parent?.timestamp,
    firstPickedUpAt: pickedUp.length > 0 ? Math.min(...pickedUp) : undefined,
    lastPickedUpAt: pickedUp.length > 0 ? Math.max(...pickedUp) : undefined,
    verdictPickedUpAt: parent?.processedOn,
    byCheck,
  };
}

type PhaseSummary = { p50: number; p95: number; max: number } | null;

/**
 * Where each check job's time went, from timestamps taken outside the worker's code: BullMQ's processedOn and
 * finishedOn, the endpoint server's arrival time of the check's request, and the check row's durationMs and
 * finishedAt (taken right after the check ran, before its outcome is written).
 */
interface CheckPhases {
  /** Flow added → BullMQ hands the job to the worker. */
  waitForPickup: PhaseSummary;
  /** Job handed out → its HTTP request reaches the endpoint (what the job does before running the check). */
  pickupToRequest: PhaseSummary;
  /** The check's own duration as the worker measured it (about 200 ms of endpoint latency). */
  check: PhaseSummary;
  /** Check done → BullMQ marks the job finished (writing the outcome, asking for a render). */
  recordToJobFinished: PhaseSummary;
  /** Last check job finished → the verdict job is handed out. */
  lastCheckToVerdictJob: number | null;
  /** Verdict job handed out → assessment completed (scoring and the completing transaction). */
  verdictJobToCompleted: number | null;
}

const phase = (values: number[]): PhaseSummary => {
  if (values.length === 0) return null;
  const s = summarize(values);
  return { p50: Math.round(s.p50), p95: Math.round(s.p95), max: Math.round(s.max) };
};

function checkPhases(
  checks: { checkId: string; durationMs: number | null; finishedAt: Date | null }[],
  jobs: Awaited<ReturnType<typeof checkJobTimes>> | undefined,
  arrivals: ReadonlyMap<string, number>,
  completedAt: number | null,
): CheckPhases {
  const waits: number[] = [];
  const before: number[] = [];
  const durations: number[] = [];
  const after: number[] = [];
  const jobFinishes: number[] = [];
  for (const check of checks) {
    const job = jobs?.byCheck.get(check.checkId);
    const arrival = arrivals.get(`/endpoint/${check.checkId.replace('endpoint-', '')}`);
    if (job?.pickedUpAt !== undefined && jobs?.flowAddedAt !== undefined) waits.push(job.pickedUpAt - jobs.flowAddedAt);
    if (job?.pickedUpAt !== undefined && arrival !== undefined) before.push(arrival - job.pickedUpAt);
    if (check.durationMs !== null) durations.push(check.durationMs);
    if (job?.finishedAt !== undefined && check.finishedAt) after.push(job.finishedAt - check.finishedAt.getTime());
    if (job?.finishedAt !== undefined) jobFinishes.push(job.finishedAt);
  }
  const lastJobFinished = jobFinishes.length > 0 ? Math.max(...jobFinishes) : null;
  const verdictAt = jobs?.verdictPickedUpAt ?? null;
  return {
    waitForPickup: phase(waits),
    pickupToRequest: phase(before),
    check: phase(durations),
    recordToJobFinished: phase(after),
    lastCheckToVerdictJob: lastJobFinished === null || verdictAt === null ? null : verdictAt - lastJobFinished,
    verdictJobToCompleted: verdictAt === null || completedAt === null ? null : completedAt - verdictAt,
  };
}

/** Until no render job is waiting, delayed or running: every chat.update asked for has been made. */
async function waitForRenderIdle(local: LocalStack): Promise<boolean> {
  const render = local.runtime.queues.queues.render;
  const idle = await pollUntil(
    () => render.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children'),
    (counts) => Object.values(counts).every((n) => n === 0),
    Date.now() + RENDER_IDLE_TIMEOUT_MS,
    100,
  );
  return idle.reached;
}

/** One assessment, measured: its figures, where its time went, and whether it came out right. */
interface Sample {
  ackStatus: number;
  ackMs: number;
  status: string;
  completed: boolean;
  failureReason: string | null;
  verdict: string | null;
  score: number | null;
  /** completedAt − createdAt of the assessment row. */
  wallMs: number | null;
  /** max durationMs over the assessment's check results. */
  slowestCheckMs: number | null;
  ratio: number | null;
  /**
   * Where the wall time went, in ms after the row was created (clocks of this process, the worker process and
   * Postgres, all on this machine): the command's send, the flow's enqueue, BullMQ handing out the check jobs,
   * the checks' HTTP requests reaching the server, the last result, the verdict job, completion.
   */
  timelineMs: {
    commandSent: number | null;
    flowAdded: number | null;
    assessmentStarted: number | null;
    firstCheckJobPickedUp: number | null;
    lastCheckJobPickedUp: number | null;
    firstRequestArrived: number | null;
    lastRequestArrived: number | null;
    lastCheckRecorded: number | null;
    verdictJobPickedUp: number | null;
    completed: number | null;
  };
  checkDurationMs: { min: number; p50: number; p95: number; max: number } | null;
  /** Per check job: p50 / p95 / max of each step, and the steps after the last check. */
  phasesMs: CheckPhases;
  /** CPU used from the command's send to completion: the worker process(es), and this process (bot, stand-in, server). */
  cpuMs: { workerProcess: number | null; benchProcess: number };
  checkResults: number;
  checksByStatus: Record<string, number>;
  checkAttempts: Record<string, number>;
  checkMessages: Record<string, number>;
  server: ServerStats;
  messageTs: string | null;
  finalMessageSeen: boolean;
  finalMessageText: string | null;
  finalMessageBlocks: number;
  blockKitProblems: string[];
  postMessages: Record<string, number>;
  chatUpdates: number;
  chatUpdatesOk: number;
  chatUpdateResults: Record<string, number>;
  renderQueueIdle: boolean;
  renderJobCountsAtEnd: Record<string, number>;
  errorLogLines: number;
}

/** One size: the first assessment of freshly started processes, then the steady state. */
interface BotRun {
  size: number;
  service: string;
  workerPids: (number | undefined)[];
  /** The first assessment the fresh bot and worker processes run, as after a deploy: reported, not judged. */
  cold: Sample;
  /** Unmeasured assessments between the cold one and the measured ones (`--warmup`), as wall / slowest each. */
  warmupRatios: (number | null)[];
  /** The measured steady-state assessments (`--repeat`), in the order they ran. */
  runs: Sample[];
  /** The run whose ratio is the median of `runs` (nearest rank): its figures are the ones judged and shown. */
  median: Sample;
}

const ratioOf = (sample: Sample) => sample.ratio ?? Number.POSITIVE_INFINITY;

/** The sample with the median ratio (nearest rank, so an even count takes the lower middle). */
function medianSample(samples: Sample[]): Sample {
  const sorted = [...samples].sort((a, b) => ratioOf(a) - ratioOf(b));
  return sorted[Math.max(0, Math.ceil(sorted.length / 2) - 1)] as Sample;
}

async function runBot(
  size: number,
  server: SlowServer,
  configDir: string,
  options: Options,
  logger: Logger,
  logLines: { errors: number },
): Promise<BotRun> {
  const service = serviceFor(size);
  const { config, path } = await writeFanoutConfig(configDir, size, server.url);
  let stack: LocalStack | undefined;
  const workers: ChildProcess[] = [];
  try {
    stack = await startLocalStack({ config, databaseUrl, redisUrl, logger, withWorkers: false });
    for (let i = 0; i < options.workers; i++) {
      workers.push(
        spawnWorkerProcess(stack, {
          configPath: path,
          concurrency: options.concurrency,
          logLevel: options.logLevel,
          cpuProfileDir: options.cpuProfileDir,
        }),
      );
    }
    await waitForWorkers(stack, workers, options.workers * checkWorkerCount(options.concurrency));
    print(`  ${size} checks: bot ${stack.eventsUrl}; worker process pid(s) ${workers.map((worker) => worker.pid).join(', ')}`);
    const measure = (label: string) => measureAssessment(stack as LocalStack, workers, server, service, logLines, label);

    const cold = await measure('cold');
    const warmupRatios: (number | null)[] = [];
    for (let i = 0; i < options.warmup; i++) {
      const warm = await runAssessment(stack, service, `bench.fanout.warmup.${randomBytes(4).toString('hex')}.${size}`);
      const durations = (warm.row?.checks ?? []).map((check) => check.durationMs ?? 0);
      const wall = warm.row?.completedAt ? warm.row.completedAt.getTime() - warm.row.createdAt.getTime() : null;
      warmupRatios.push(wall !== null && durations.length > 0 ? round(wall / Math.max(...durations), 2) : null);
      await waitForRenderIdle(stack);
    }
    const runs: Sample[] = [];
    for (let i = 0; i < options.repeat; i++) runs.push(await measure(`run${i + 1}`));
    return { size, service, workerPids: workers.map((worker) => worker.pid), cold, warmupRatios, runs, median: medianSample(runs) };
  } finally {
    await Promise.all(workers.map((worker) => stopWorkerProcess(worker)));
    await stack?.close().catch((error: unknown) => process.stderr.write(`closing the stack failed: ${String(error)}\n`));
  }
}

/** Sends one command and measures its assessment from the row, BullMQ's job records, the server and the stand-in. */
async function measureAssessment(
  stack: LocalStack,
  workers: ChildProcess[],
  server: SlowServer,
  service: string,
  logLines: { errors: number },
  label: string,
): Promise<Sample> {
  const { standIn, runtime, channelId } = stack;
  server.reset();
  const errorsBefore = logLines.errors;
  const workersCpuMs = async () => {
    const each = await Promise.all(workers.map((worker) => processTreeCpuMs(worker.pid)));
    return each.some((cpu) => cpu === undefined) ? undefined : each.reduce((sum: number, cpu) => sum + (cpu ?? 0), 0);
  };
  const workerCpuBefore = await workersCpuMs();
  const benchCpuBefore = process.cpuUsage();
  const triggerId = `bench.fanout.${label}.${randomBytes(4).toString('hex')}.${service}`;
  const { ack, sentAt, row, finished } = await runAssessment(stack, service, triggerId);
  const workerCpuAfter = await workersCpuMs();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const serverStats = server.stats(row?.createdAt.getTime());
  const jobTimes = row
    ? await checkJobTimes(
        stack,
        row.id,
        row.checks.map((check) => check.checkId),
      )
    : undefined;

  // The message shows the final state once the last render after completion has run.
  let finalMessage: { text?: string; blocks?: unknown[] } | undefined;
  if (row?.messageTs && finished) {
    const ts = row.messageTs;
    finalMessage = await standIn
      .waitFor(() => {
        const shown = standIn.message(channelId, ts);
        return shown?.text !== undefined && !shown.text.endsWith('assessing…') ? shown : undefined;
      }, MESSAGE_TIMEOUT_MS)
      .catch(() => undefined);
  }
  // Let any render still queued for this assessment run, so the update count is the whole story.
  const renderQueueIdle = await waitForRenderIdle(stack);
  const renderJobCountsAtEnd = await runtime.queues.queues.render.getJobCounts();

  const checks = row?.checks ?? [];
  const durations = checks.map((check) => check.durationMs).filter((d): d is number => d !== null);
  const slowestCheckMs = durations.length > 0 ? Math.max(...durations) : null;
  const completed = row?.status === 'COMPLETED';
  const wallMs = completed && row.completedAt ? row.completedAt.getTime() - row.createdAt.getTime() : null;
  const finishedAts = checks.map((check) => check.finishedAt?.getTime()).filter((t): t is number => t !== undefined);
  const lastCheckAt = finishedAts.length > 0 ? Math.max(...finishedAts) : null;
  const startedAt = row?.startedAt?.getTime() ?? null;
  const created = row?.createdAt.getTime() ?? 0;
  const durationSummary = durations.length > 0 ? summarize(durations) : undefined;

  const messageTs = row?.messageTs ?? null;
  const updates = standIn.callsTo('chat.update').filter((call) => call.args.ts === messageTs && messageTs !== null);
  const resultOf = (call: { status: number; response: Record<string, unknown> }) =>
    `${call.status} ${call.response.ok === true ? 'ok' : String(call.response.error)}`;
  const blockKitProblems = finalMessage
    ? [...validateBlocks(finalMessage.blocks ?? [], 'message'), ...validateMessageText(finalMessage.text, finalMessage.blocks)].map(
        (problem) => `${problem.path}: ${problem.message}`,
      )
    : ['(no final message to validate)'];

  return {
    ackStatus: ack.status,
    ackMs: ack.latencyMs,
    status: row?.status ?? '(no assessment row)',
    completed,
    failureReason: row?.failureReason ?? null,
    verdict: row?.verdict ?? null,
    score: row?.score ?? null,
    wallMs,
    slowestCheckMs,
    ratio: wallMs !== null && slowestCheckMs ? wallMs / slowestCheckMs : null,
    timelineMs: {
      commandSent: row ? sentAt - created : null,
      flowAdded: jobTimes?.flowAddedAt == null ? null : jobTimes.flowAddedAt - created,
      assessmentStarted: startedAt === null ? null : startedAt - created,
      firstCheckJobPickedUp: jobTimes?.firstPickedUpAt == null ? null : jobTimes.firstPickedUpAt - created,
      lastCheckJobPickedUp: jobTimes?.lastPickedUpAt == null ? null : jobTimes.lastPickedUpAt - created,
      firstRequestArrived: serverStats.firstArrivalMs,
      lastRequestArrived: serverStats.lastArrivalMs,
      lastCheckRecorded: lastCheckAt === null ? null : lastCheckAt - created,
      verdictJobPickedUp: jobTimes?.verdictPickedUpAt == null ? null : jobTimes.verdictPickedUpAt - created,
      completed: row?.completedAt ? row.completedAt.getTime() - created : null,
    },
    checkDurationMs: durationSummary
      ? { min: durationSummary.min, p50: durationSummary.p50, p95: durationSummary.p95, max: durationSummary.max }
      : null,
    phasesMs: checkPhases(checks, jobTimes, server.arrivals(), row?.completedAt?.getTime() ?? null),
    cpuMs: {
      workerProcess: workerCpuBefore === undefined || workerCpuAfter === undefined ? null : workerCpuAfter - workerCpuBefore,
      benchProcess: Math.round((benchCpu.user + benchCpu.system) / 1000),
    },
    checkResults: checks.length,
    checksByStatus: countBy(checks, (check) => check.status),
    checkAttempts: countBy(checks, (check) => `attempts=${check.attempts}`),
    checkMessages: countBy(
      checks.filter((check) => check.status !== 'PASS'),
      (check) => (check.message ?? '(no message)').replace(/\/endpoint\/\d+/, '/endpoint/…').slice(0, 160),
    ),
    server: serverStats,
    messageTs,
    finalMessageSeen: finalMessage !== undefined,
    finalMessageText: finalMessage?.text ?? (messageTs ? (standIn.message(channelId, messageTs)?.text ?? null) : null),
    finalMessageBlocks: finalMessage?.blocks?.length ?? 0,
    blockKitProblems,
    postMessages: countBy(
      standIn.callsTo('chat.postMessage').filter((call) => call.response.ts === messageTs || call.response.ok !== true),
      resultOf,
    ),
    chatUpdates: updates.length,
    chatUpdatesOk: updates.filter((call) => call.status === 200 && call.response.ok === true).length,
    chatUpdateResults: countBy(updates, resultOf),
    renderQueueIdle,
    renderJobCountsAtEnd,
    errorLogLines: logLines.errors - errorsBefore,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The CLI gate, in this process.

interface CliRun {
  size: number;
  exitCode: number;
  wallMs: number;
  slowestCheckMs: number | null;
  targetMs: number | null;
  verdict: string | null;
  checksByStatus: Record<string, number>;
  checkDurationMs: { min: number; p50: number; p95: number; max: number } | null;
  server: ServerStats;
  stderr: string;
}

async function runCliGate(size: number, server: SlowServer, configDir: string): Promise<CliRun> {
  const { path } = await writeFanoutConfig(configDir, size, server.url);
  const out: string[] = [];
  const err: string[] = [];
  server.reset();
  const started = performance.now();
  const exitCode = await runCli(
    ['assess', '--service', serviceFor(size), '--env', ENVIRONMENT, '--config', path, '--json'],
    {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      env: process.env,
    },
    cliDeps,
  );
  const wallMs = performance.now() - started;
  let report: ReadinessReport | undefined;
  try {
    report = JSON.parse(out.join('')) as ReadinessReport;
  } catch {
    report = undefined;
  }
  const durations = (report?.checks ?? []).map((check) => check.durationMs).filter((d): d is number => d !== null);
  const slowestCheckMs = durations.length > 0 ? Math.max(...durations) : null;
  const durationSummary = durations.length > 0 ? summarize(durations) : undefined;
  return {
    size,
    exitCode,
    wallMs,
    slowestCheckMs,
    targetMs: slowestCheckMs === null ? null : CLI_MARGIN_MS + slowestCheckMs,
    verdict: report?.verdict ?? null,
    checksByStatus: countBy(report?.checks ?? [], (check) => check.status),
    checkDurationMs: durationSummary
      ? { min: durationSummary.min, p50: durationSummary.p50, p95: durationSummary.p95, max: durationSummary.max }
      : null,
    server: server.stats(),
    stderr: err.join('').slice(0, 2000),
  };
}

// ---------------------------------------------------------------------------------------------------------

const describeServer = (stats: ServerStats) =>
  `${stats.requests} requests to ${stats.distinctPaths} distinct paths, peak ${stats.peakInFlight} in flight`;

const at = (offset: number | null) => (offset === null ? 'n/a' : `${offset >= 0 ? '+' : ''}${offset}`);

const ratioText = (sample: Sample) => (sample.ratio === null ? 'n/a' : sample.ratio.toFixed(2));
const wallText = (sample: Sample) =>
  `wall ${sample.wallMs === null ? 'n/a' : ms(sample.wallMs)} / slowest check ${sample.slowestCheckMs === null ? 'n/a' : ms(sample.slowestCheckMs)}`;

/** What went wrong with one assessment, apart from its timing: empty when it came out right. */
function sampleProblems(sample: Sample, size: number): string[] {
  const problems: string[] = [];
  if (!sample.completed) problems.push(`not completed (${sample.status})`);
  if (sample.checkResults !== size || sample.checksByStatus.PASS !== size)
    problems.push(`checks ${describeCounts(sample.checksByStatus)} of ${size}`);
  if (sample.chatUpdates === 0 || sample.chatUpdatesOk !== sample.chatUpdates)
    problems.push(`chat.update ${describeCounts(sample.chatUpdateResults)}`);
  if (!sample.finalMessageSeen || sample.blockKitProblems.length > 0)
    problems.push(`final message: ${sample.blockKitProblems.join('; ') || 'not seen'}`);
  return problems;
}

function printTimeline(sample: Sample, indent: string): void {
  const t = sample.timelineMs;
  print(
    `${indent}timeline, ms after the row was created: command sent ${at(t.commandSent)}, flow added ${at(t.flowAdded)}, ` +
      `check jobs picked up ${at(t.firstCheckJobPickedUp)}…${at(t.lastCheckJobPickedUp)}, assessment marked running ${at(t.assessmentStarted)}, ` +
      `HTTP requests arrived ${at(t.firstRequestArrived)}…${at(t.lastRequestArrived)},`,
  );
  print(`${indent}  last check recorded ${at(t.lastCheckRecorded)}, verdict job picked up ${at(t.verdictJobPickedUp)}, completed ${at(t.completed)}`);
  const p = sample.phasesMs;
  const describePhase = (summary: PhaseSummary) => (summary ? `${summary.p50} / ${summary.p95} / ${summary.max}` : 'n/a');
  print(
    `${indent}per check job, p50 / p95 / max ms: wait for pickup ${describePhase(p.waitForPickup)}; pickup → request ${describePhase(p.pickupToRequest)}; ` +
      `check ${describePhase(p.check)}; check done → job finished ${describePhase(p.recordToJobFinished)}`,
  );
  print(
    `${indent}last check job finished → verdict job ${at(p.lastCheckToVerdictJob)} ms; verdict job → completed ${at(p.verdictJobToCompleted)} ms`,
  );
  print(
    `${indent}CPU from send to completion: worker process(es) ${sample.cpuMs.workerProcess === null ? 'n/a' : ms(sample.cpuMs.workerProcess)}, ` +
      `bench process (bot, stand-in, endpoints) ${ms(sample.cpuMs.benchProcess)}`,
  );
}

function printBot(r: BotRun, options: Options): void {
  const m = r.median;
  print(
    `bot, ${r.size} checks (\`/readiness run ${r.service} ${ENVIRONMENT}\`, ${options.workers} worker process(es), WORKER_CONCURRENCY=${options.concurrency} each)`,
  );
  print(
    `  steady state, ${r.runs.length} run(s) after ${1 + options.warmup} unmeasured: wall / slowest ${r.runs.map(ratioText).join(', ')}; ` +
      `median ${ratioText(m)} (target < ${TARGET_RATIO})`,
  );
  print(`  median run: ${wallText(m)}`);
  printTimeline(m, '    ');
  if (m.checkDurationMs) {
    print(
      `    check durations: min ${m.checkDurationMs.min} / p50 ${m.checkDurationMs.p50} / p95 ${m.checkDurationMs.p95} / max ${m.checkDurationMs.max} ms`,
    );
  }
  print(
    `    assessment ${m.status}${m.verdict ? ` (${m.verdict}, score ${m.score})` : ''}${m.failureReason ? `: ${m.failureReason}` : ''}; ack HTTP ${m.ackStatus} in ${ms(m.ackMs)}`,
  );
  print(`    check results: ${m.checkResults}/${r.size}; by status: ${describeCounts(m.checksByStatus)}; ${describeCounts(m.checkAttempts)}`);
  if (Object.keys(m.checkMessages).length > 0) print(`    non-PASS messages: ${describeCounts(m.checkMessages)}`);
  print(`    endpoint server: ${describeServer(m.server)}`);
  print(
    `    slack: chat.postMessage ${describeCounts(m.postMessages)}; chat.update for the message: ${m.chatUpdates} ` +
      `(${describeCounts(m.chatUpdateResults)})${m.renderQueueIdle ? '' : '; render queue not idle at the end'}`,
  );
  print(
    `    final message: ${m.finalMessageSeen ? `"${m.finalMessageText}", ${m.finalMessageBlocks} blocks` : `not seen (last text: ${m.finalMessageText ?? 'none'})`}; ` +
      `Block Kit: ${m.blockKitProblems.length === 0 ? 'valid' : m.blockKitProblems.join('; ')}`,
  );
  print(`  first assessment after start-up (cold; reported, not judged): ${wallText(r.cold)}, ratio ${ratioText(r.cold)}`);
  printTimeline(r.cold, '    ');
  if (r.warmupRatios.length > 0) print(`  unmeasured warm-up after it, wall / slowest: ${r.warmupRatios.join(', ')}`);
  for (const [label, sample] of [['cold', r.cold], ...r.runs.map((run, i) => [`run ${i + 1}`, run] as const)] as const) {
    const problems = sampleProblems(sample, r.size);
    if (problems.length > 0) print(`  ${label}: ${problems.join('; ')}`);
    if (sample.errorLogLines > 0) print(`  ${label}: ${sample.errorLogLines} error log line(s) from the bot process`);
  }
  print();
}

function printCli(r: CliRun): void {
  print(`CLI, ${r.size} checks (\`readiness assess --json\`, in this process)`);
  print(
    `  wall ${ms(r.wallMs)}; slowest check ${r.slowestCheckMs === null ? 'n/a' : ms(r.slowestCheckMs)}; ` +
      `target < ${r.targetMs === null ? 'n/a' : ms(r.targetMs)} (${CLI_MARGIN_MS} ms + slowest)`,
  );
  if (r.checkDurationMs) {
    print(
      `  check durations: min ${r.checkDurationMs.min} / p50 ${r.checkDurationMs.p50} / p95 ${r.checkDurationMs.p95} / max ${r.checkDurationMs.max} ms`,
    );
  }
  print(`  exit code ${r.exitCode}; verdict ${r.verdict ?? 'n/a'}; by status: ${describeCounts(r.checksByStatus)}`);
  print(
    `  endpoint server: ${describeServer(r.server)}; requests arrived ${at(r.server.firstArrivalMs)}…${at(r.server.lastArrivalMs)} ms after the CLI started`,
  );
  if (r.stderr) print(`  stderr: ${r.stderr}`);
  print();
}

/** Everything about one assessment that goes into the result file beyond the headline figures. */
function sampleDetails(sample: Sample) {
  return {
    ackStatus: sample.ackStatus,
    ackMs: round(sample.ackMs),
    timelineMs: sample.timelineMs,
    checkDurationMs: sample.checkDurationMs,
    phasesMs: sample.phasesMs,
    cpuMs: sample.cpuMs,
    checkAttempts: sample.checkAttempts,
    checkMessages: sample.checkMessages,
    failureReason: sample.failureReason,
    server: sample.server,
    finalMessageText: sample.finalMessageText,
    finalMessageBlocks: sample.finalMessageBlocks,
    blockKitProblems: sample.blockKitProblems,
    postMessages: sample.postMessages,
    chatUpdateResults: sample.chatUpdateResults,
    renderQueueIdle: sample.renderQueueIdle,
    renderJobCountsAtEnd: sample.renderJobCountsAtEnd,
    errorLogLines: sample.errorLogLines,
  };
}

const options = readOptions();
const dbReport = await prepareServices(NAME, { databaseUrl, redisUrl });
const { logger, logLines } = countingLogger(options.logLevel);

let server: SlowServer | undefined;
let configDir: string | undefined;
let passed = false;
try {
  server = await startSlowServer(ENDPOINT_LATENCY_MS);
  configDir = await mkdtemp(join(tmpdir(), 'readiness-fanout-'));
  print(`bench ${NAME}: ${SIZES.join(' and ')} http checks, every endpoint answering after ${ENDPOINT_LATENCY_MS} ms`);
  print(`  database ${redactUrl(databaseUrl)} (${dbReport}); redis ${redisUrl}; endpoints ${server.url}`);
  print(
    `  ${options.workers} worker process(es) (\`npm run worker\`), WORKER_CONCURRENCY=${options.concurrency} each (check jobs one process runs at once; the checks are I/O-bound)`,
  );
  print(
    `  per size: fresh bot and worker processes; the first assessment (cold) is reported, ${options.warmup} more unmeasured, ` +
      `then ${options.repeat} measured and the median ratio judged`,
  );

  const bots: BotRun[] = [];
  for (const size of SIZES) bots.push(await runBot(size, server, configDir, options, logger, logLines));
  const cli = await runCliGate(CLI_SIZE, server, configDir);
  print();

  const checks: Record<string, boolean> = {};
  for (const r of bots) {
    // Correctness counts in every assessment, the cold one included; the timing target in the median run.
    const all = [r.cold, ...r.runs];
    checks[`bot${r.size}.completed`] = all.every((sample) => sample.completed);
    checks[`bot${r.size}.allChecksPassed`] = all.every((sample) => sample.checkResults === r.size && sample.checksByStatus.PASS === r.size);
    checks[`bot${r.size}.ratioUnderTarget`] = r.median.ratio !== null && r.median.ratio < TARGET_RATIO;
    checks[`bot${r.size}.messageUpdatesAllOk`] = all.every((sample) => sample.chatUpdates > 0 && sample.chatUpdatesOk === sample.chatUpdates);
    checks[`bot${r.size}.finalMessageValid`] = all.every((sample) => sample.finalMessageSeen && sample.blockKitProblems.length === 0);
  }
  checks[`cli${cli.size}.allChecksPassed`] = cli.checksByStatus.PASS === cli.size;
  checks[`cli${cli.size}.wallUnderTarget`] = cli.targetMs !== null && cli.wallMs < cli.targetMs;
  passed = Object.values(checks).every(Boolean);
  const missed = Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);

  for (const r of bots) printBot(r, options);
  printCli(cli);

  const result = {
    name: NAME,
    date: new Date().toISOString(),
    endpointLatencyMs: ENDPOINT_LATENCY_MS,
    checkTimeoutMs: CHECK_TIMEOUT_MS,
    workerConcurrency: options.concurrency,
    workerProcesses: options.workers,
    warmupAssessments: options.warmup,
    measuredAssessments: options.repeat,
    target: { ratio: TARGET_RATIO, cliMarginMs: CLI_MARGIN_MS },
    bot: bots.map((r) => ({
      checks: r.size,
      /** The median steady-state run's figures: what the target is judged on. */
      wallMs: r.median.wallMs,
      slowestCheckMs: r.median.slowestCheckMs,
      ratio: r.median.ratio === null ? null : round(r.median.ratio, 2),
      targetRatio: TARGET_RATIO,
      ratios: r.runs.map((run) => (run.ratio === null ? null : round(run.ratio, 2))),
      coldRatio: r.cold.ratio === null ? null : round(r.cold.ratio, 2),
      status: r.median.status,
      verdict: r.median.verdict,
      score: r.median.score,
      checkResults: r.median.checkResults,
      checksByStatus: r.median.checksByStatus,
      chatUpdates: r.median.chatUpdates,
      chatUpdatesOk: r.median.chatUpdatesOk,
      finalMessageValid: r.median.finalMessageSeen && r.median.blockKitProblems.length === 0,
      details: {
        service: r.service,
        warmupRatios: r.warmupRatios,
        median: sampleDetails(r.median),
        cold: { wallMs: r.cold.wallMs, slowestCheckMs: r.cold.slowestCheckMs, ...sampleDetails(r.cold) },
        runs: r.runs.map((run) => ({ wallMs: run.wallMs, slowestCheckMs: run.slowestCheckMs, ...sampleDetails(run) })),
        problems: Object.fromEntries(
          [['cold', r.cold] as const, ...r.runs.map((run, i) => [`run${i + 1}`, run] as const)]
            .map(([label, sample]) => [label, sampleProblems(sample, r.size)] as const)
            .filter(([, problems]) => problems.length > 0),
        ),
      },
    })),
    cli: {
      checks: cli.size,
      wallMs: round(cli.wallMs),
      slowestCheckMs: cli.slowestCheckMs,
      targetMs: cli.targetMs,
      exitCode: cli.exitCode,
      verdict: cli.verdict,
      checksByStatus: cli.checksByStatus,
      details: { checkDurationMs: cli.checkDurationMs, server: cli.server, stderr: cli.stderr },
    },
    passed,
    checks,
    missed,
  };
  await mkdir(join(projectRoot, 'bench', 'results'), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(result, null, 2)}\n`);
  print(`results written to ${resultsPath}`);

  const ratios = bots.map((r) => `${r.size}: ${ratioText(r.median)}`).join(', ');
  const coldRatios = bots.map((r) => `${r.size}: ${ratioText(r.cold)}`).join(', ');
  if (passed) {
    print(`PASS: wall / slowest check, median of ${options.repeat}, ${ratios} (< ${TARGET_RATIO}); CLI ${ms(cli.wallMs)} < ${cli.targetMs} ms`);
    print(`  (first assessment after start-up, not judged: ${coldRatios})`);
  } else {
    const banner = '!'.repeat(78);
    print(banner);
    print(`FAIL: bench ${NAME} missed its target (${missed.join(', ')})`);
    print(
      `  wall / slowest check, median of ${options.repeat}, ${ratios} (target < ${TARGET_RATIO}); CLI ${ms(cli.wallMs)} (target < ${cli.targetMs ?? 'n/a'} ms)`,
    );
    print(`  (first assessment after start-up, not judged: ${coldRatios})`);
    print(banner);
  }
} catch (error) {
  process.stderr.write(`bench ${NAME} crashed: ${(error as Error).stack ?? String(error)}\n`);
  passed = false;
} finally {
  await server?.close();
  if (configDir) await rm(configDir, { recursive: true, force: true });
}

process.exitCode = passed ? 0 : 1;
// Everything is closed, so Node should exit now; if a handle is left open, say which instead of hanging.
setTimeout(() => {
  process.stderr.write(`bench ${NAME}: still running ${EXIT_WATCHDOG_MS} ms after closing; open: ${process.getActiveResourcesInfo().join(', ')}\n`);
  process.exit(1);
}, EXIT_WATCHDOG_MS).unref();
