import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { stringify } from 'yaml';
import { parseReadinessConfig } from '../src/config/readiness-config.ts';
import { jobIds } from '../src/queue/names.ts';
import { projectRoot } from '../src/shared/paths.ts';
import { createLimiter } from '../src/shared/limiter.ts';
import type { LogLevel } from '../src/shared/logger.ts';
import { startLocalStack, type LocalStack } from '../tools/demo/local-stack.ts';
import { startPrivateRedis, type PrivateRedis } from './chaos/support/private-services.ts';
import { countingLogger, failBench, pollUntil, prepareServices, sleep, spawnWorkerProcess, stopWorkerProcess } from './support/harness.ts';
import { roundTripCounter, type RoundTripCounter } from './support/round-trips.ts';
import { spawnSlowServer } from './support/slow-server-process.ts';
import { buildDist } from './support/production-process.ts';

type SlowServer = { url: string };
import { round } from './support/stats.ts';

/**
 * `npm run bench:verdict`: what a user waits for. A signed `/readiness run` to the bot's HTTP endpoint (the bot in
 * this process, behind the Slack stand-in; the worker one `src/main/worker.ts` process, or `--workers N`), timed from the send
 * to the verdict row (`completedAt`), for one assessment of 20, 200 and 1,000 http checks against an endpoint that
 * answers after D ms, and for 100 assessments of 20 checks sent at once. Floors measured in the same run: D itself
 * (one request from here to the endpoint) and a naive BullMQ flow (one child job per check, no database) in a
 * process of its own. Prints ratios against the D floor and writes bench/results/command-to-verdict.json.
 */

const NAME = 'command-to-verdict';
const ENVIRONMENT = 'bench';
const CONCURRENT_SIZE = 20;
const IDLE_SAMPLE_MS = 12_000;
const TIMEOUT_MS = 120_000;
const print = (text = '') => process.stdout.write(`${text}\n`);
const fail = (message: string): never => failBench(NAME, message);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;
const pad = (i: number) => String(i).padStart(4, '0');

function readOptions() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '20,200,1000' },
      delay: { type: 'string', default: '200' },
      repeat: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      concurrent: { type: 'string', default: '100' },
      'shared-redis': { type: 'boolean', default: false },
      'no-count': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'error' },
      'cpu-prof': { type: 'string' },
      'follow-up': { type: 'string' },
      workers: { type: 'string', default: '1' },
      results: { type: 'string', default: NAME },
      'worker-from': { type: 'string', default: 'dist' },
      'skip-build': { type: 'boolean', default: false },
      'worker-node-flags': { type: 'string', default: '' },
    },
  });
  const int = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got ${value}`);
    return n;
  };
  return {
    sizes: values.sizes.split(',').map((size) => int('sizes', size, 1)),
    delayMs: int('delay', values.delay, 1),
    repeat: int('repeat', values.repeat, 1),
    warmup: int('warmup', values.warmup, 0),
    concurrent: int('concurrent', values.concurrent, 0),
    sharedRedis: values['shared-redis'],
    count: !values['no-count'],
    logLevel: values['log-level'] as LogLevel,
    /** Where the worker process writes a V8 CPU profile (`--cpu-prof`), to see where its time goes. */
    cpuProfileDir: values['cpu-prof'],
    /** The bot's ACK_FOLLOW_UP_CONCURRENCY (its default when not given). */
    followUp: values['follow-up'] === undefined ? undefined : int('follow-up', values['follow-up'], 1),
    /** Worker processes (replicas of `npm run worker`), to see how the figures move when scaling out. */
    workers: int('workers', values.workers, 1),
    /** The result file's name in bench/results/ (`npm run bench` keeps one per worker count). */
    resultsName: resultsName(values.results),
    /**
     * dist: the worker as deployed (`npm run worker`'s command, its node flags, the compiled code; built first unless
     * --skip-build); sources: src/main/worker.ts through tsx (source maps on, which makes error stacks dearer).
     */
    workerFrom: workerFrom(values['worker-from']),
    skipBuild: values['skip-build'],
    /** Node flags added after `npm run worker`'s own (a later flag wins), to try a setting on the compiled worker. */
    workerNodeFlags: values['worker-node-flags'].split(' ').filter(Boolean),
  };
}
type Options = ReturnType<typeof readOptions>;

function resultsName(given: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(given)) fail(`--results must be a file name of lower-case letters, digits and dashes, got ${given}`);
  return given;
}

function workerFrom(given: string): 'dist' | 'sources' {
  if (given !== 'dist' && given !== 'sources') fail(`--worker-from must be dist or sources, got ${given}`);
  return given as 'dist' | 'sources';
}

const serviceFor = (size: number) => `verdict-${size}`;

function configDocument(sizes: number[], baseUrl: string) {
  const services: Record<string, unknown> = {};
  for (const size of sizes) {
    services[serviceFor(size)] = {
      description: `${size} http checks against endpoints that answer after a fixed delay (bench ${NAME})`,
      environments: { [ENVIRONMENT]: { vars: { baseUrl } } },
      checks: Array.from({ length: size }, (_, i) => ({
        id: `endpoint-${pad(i)}`,
        name: `Endpoint ${pad(i)} answers`,
        type: 'http',
        category: 'infrastructure',
        severity: 'low',
        url: `{{baseUrl}}/${size}/${pad(i)}`,
        expectStatus: 200,
        timeoutMs: 10_000,
      })),
    };
  }
  return { services };
}

/** CPU time (user + system, ms) of a process and its descendants (`tsx` runs the worker in a child), from /proc. */
async function processTreeCpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let total = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const children = (await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')).trim();
    for (const child of children ? children.split(' ') : []) total += await processTreeCpuMs(Number(child));
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------------
// Floors.

/** D as this process sees it: the median of a few sequential requests to the endpoint. */
async function measureDelayFloor(server: SlowServer): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    const answer = await request(`${server.url}/floor/${i}`);
    await answer.body.text();
    times.push(performance.now() - started);
  }
  return round(median(times.slice(2)), 1);
}

/** The naive flow: one child job per check in a worker process of its own; flow added → parent finished. */
async function measureNaiveFlow(redisUrl: string, server: SlowServer, sizes: number[], options: Options) {
  const prefix = `naive${randomBytes(4).toString('hex')}`;
  const child = spawn(join(projectRoot, 'node_modules', '.bin', 'tsx'), [join(projectRoot, 'bench', 'support', 'naive-flow-worker.ts')], {
    env: { ...process.env, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, NAIVE_CONCURRENCY: String(Math.max(...sizes)) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const flows = new FlowProducer({ connection, prefix });
  const parents = new Queue('naive-assessments', { connection, prefix });
  const results: Record<number, number[]> = {};
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`the naive flow worker exited (${code})`)));
    });
    for (const size of sizes) {
      results[size] = [];
      for (let run = 0; run < options.warmup + options.repeat; run++) {
        const id = `naive-${size}-${run}-${randomBytes(3).toString('hex')}`;
        const added = Date.now();
        await flows.add({
          name: 'assessment',
          queueName: 'naive-assessments',
          data: {},
          opts: { jobId: id },
          children: Array.from({ length: size }, (_, i) => ({
            name: 'check',
            queueName: 'naive-checks',
            data: { url: `${server.url}/naive/${size}/${pad(i)}` },
            opts: { jobId: `${id}-${i}` },
          })),
        });
        const done = await pollUntil(
          () => parents.getJob(id),
          (job) => job?.finishedOn !== undefined,
          Date.now() + TIMEOUT_MS,
          20,
        );
        if (!done.reached || !done.value?.finishedOn) throw new Error(`the naive flow of ${size} did not finish`);
        if (run >= options.warmup) results[size].push(done.value.finishedOn - added);
      }
    }
    return results;
  } finally {
    child.kill('SIGTERM');
    await flows.close();
    await parents.obliterate({ force: true }).catch(() => undefined);
    await parents.close();
    await new Queue('naive-checks', { connection, prefix }).obliterate({ force: true }).catch(() => undefined);
    connection.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Readiness: signed command → verdict row.

interface Run {
  verdictMs: number;
  status: string;
  checks: number;
  passed: number;
  /** ms after the send. */
  timeline: Record<string, number | null>;
}

const FINAL = ['COMPLETED', 'FAILED', 'UNASSESSABLE'];

/** `counted`: no job lookups, and the row reads this bench made are counted (see perAssessment). */
async function sendAndWait(stack: LocalStack, size: number, tag: string, counted?: { reads: number }): Promise<Run> {
  const triggerId = `bench.verdict.${tag}.${randomBytes(4).toString('hex')}`;
  const sentAt = Date.now();
  const ack = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
    text: `run ${serviceFor(size)} ${ENVIRONMENT}`,
    userId: 'UBENCHVERDICT',
    channelId: stack.channelId,
    triggerId,
  });
  const ackAt = Date.now();
  if (ack.status !== 200) throw new Error(`the command was answered ${ack.status}`);
  return await collect(stack, triggerId, sentAt, ackAt, counted);
}

async function collect(stack: LocalStack, triggerId: string, sentAt: number, ackAt: number, counted?: { reads: number }): Promise<Run> {
  const { db } = stack.runtime;
  const reads = counted ?? { reads: 0 };
  const done = await pollUntil(
    () => {
      reads.reads += 1;
      return db.assessment.findUnique({ where: { requestKey: triggerId }, select: { status: true } });
    },
    (row) => row !== null && FINAL.includes(row.status),
    Date.now() + TIMEOUT_MS,
    25,
  );
  if (!done.reached) throw new Error(`assessment ${triggerId} did not finish within ${TIMEOUT_MS / 1000} s`);
  // Prisma reads an include in a second query: one transaction or two; counted as two.
  reads.reads += 2;
  const row = await db.assessment.findUnique({ where: { requestKey: triggerId }, include: { checks: true } });
  if (!row?.completedAt) throw new Error(`assessment ${triggerId} ended ${row?.status} without completedAt`);
  const at = (t: number | undefined | null) => (t === undefined || t === null ? null : t - sentAt);
  const finished = row.checks.map((check) => check.finishedAt?.getTime() ?? 0);
  const { assessments, checks } = stack.runtime.queues.queues;
  const parent = counted ? undefined : await assessments.getJob(jobIds.assessment(row.id));
  const children = parent ? await parent.getDependencies({ processed: { count: 10_000 }, unprocessed: { count: 10_000 } }) : undefined;
  const childIds = Object.keys(children?.processed ?? {}).map((key) => key.split(':').slice(2).join(':'));
  const childJobs = (await Promise.all(childIds.map((id) => checks.getJob(id)))).filter((job) => job !== undefined);
  const pickups = childJobs.map((job) => job.processedOn ?? 0).filter((t) => t > 0);
  return {
    verdictMs: row.completedAt.getTime() - sentAt,
    status: row.status,
    checks: row.checks.length,
    passed: row.checks.filter((check) => check.status === 'PASS').length,
    timeline: {
      ack: at(ackAt),
      rowCreated: at(row.createdAt.getTime()),
      flowAdded: at(parent?.timestamp),
      childJobs: childJobs.length,
      firstPickup: pickups.length > 0 ? at(Math.min(...pickups)) : null,
      lastPickup: pickups.length > 0 ? at(Math.max(...pickups)) : null,
      running: at(row.startedAt?.getTime()),
      lastCheckRecorded: at(Math.max(...finished)),
      verdictJobPickup: at(parent?.processedOn),
      verdict: at(row.completedAt.getTime()),
    },
  };
}

/**
 * Until what follows a verdict (the parent job, the message renders) has run, so each measured assessment has the
 * worker to itself, as "one assessment" means; bounded, as a render may be retried.
 */
async function waitForQuiet(stack: LocalStack) {
  const { assessments, checks, render } = stack.runtime.queues.queues;
  await pollUntil(
    async () => {
      const counts = await Promise.all([
        assessments.getJobCounts('waiting', 'active', 'waiting-children', 'delayed'),
        checks.getJobCounts('waiting', 'active', 'delayed'),
        render.getJobCounts('waiting', 'active', 'delayed'),
      ]);
      return counts.every((byState) => Object.values(byState).every((n) => n === 0));
    },
    (quiet) => quiet,
    Date.now() + 15_000,
    100,
  );
}

async function measureConcurrent(stack: LocalStack, count: number) {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const sends = Array.from({ length: count }, async (_, i) => {
    const triggerId = `bench.verdict.burst.${tag}.${pad(i)}`;
    const sentAt = Date.now();
    const ack = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
      text: `run ${serviceFor(CONCURRENT_SIZE)} ${ENVIRONMENT}`,
      userId: `UBV${tag}${pad(i)}`,
      channelId: stack.channelId,
      triggerId,
    });
    return { triggerId, sentAt, ackAt: Date.now(), status: ack.status };
  });
  const sent = await Promise.all(sends);
  const lastCommandAt = Math.max(...sent.map((s) => s.sentAt));
  const runs = await Promise.all(sent.map((s) => collect(stack, s.triggerId, s.sentAt, s.ackAt)));
  const lastVerdictAt = Math.max(...runs.map((run, i) => (sent[i]?.sentAt ?? 0) + run.verdictMs));
  // The bot's share (every row created and flow added) apart from the worker's (every batch handed out, the checks run).
  // (A batch job already removed from Redis, kept only up to a count, has no pickup time: left out.)
  const lastOf = (step: 'rowCreated' | 'flowAdded' | 'lastPickup') =>
    Math.max(...runs.flatMap((run, i) => (run.timeline[step] == null ? [] : [(sent[i]?.sentAt ?? 0) + (run.timeline[step] ?? 0)]))) - lastCommandAt;
  return {
    count,
    acked: sent.filter((s) => s.status === 200).length,
    completed: runs.filter((run) => run.status === 'COMPLETED' && run.passed === run.checks).length,
    statuses: runs.reduce<Record<string, number>>((counts, run) => {
      const key = `${run.status}${run.passed === run.checks ? '' : `, ${run.checks - run.passed} checks not PASS`}`;
      counts[key] = (counts[key] ?? 0) + 1;
      return counts;
    }, {}),
    acks: { median: median(sent.map((s) => s.ackAt - s.sentAt)), max: Math.max(...sent.map((s) => s.ackAt - s.sentAt)) },
    sendSpanMs: lastCommandAt - Math.min(...sent.map((s) => s.sentAt)),
    lastAckAfterLastSendMs: Math.max(...sent.map((s) => s.ackAt)) - lastCommandAt,
    lastVerdictAfterLastCommandMs: lastVerdictAt - lastCommandAt,
    afterLastCommandMs: { lastRowCreated: lastOf('rowCreated'), lastFlowAdded: lastOf('flowAdded'), lastBatchPickup: lastOf('lastPickup') },
    verdictMsEach: {
      min: Math.min(...runs.map((r) => r.verdictMs)),
      median: median(runs.map((r) => r.verdictMs)),
      max: Math.max(...runs.map((r) => r.verdictMs)),
    },
  };
}

/** CPU time of every worker process together. */
const workersCpuMs = async (workers: ChildProcess[]) =>
  (await Promise.all(workers.map((worker) => processTreeCpuMs(worker.pid)))).reduce((a, b) => a + b, 0);

/**
 * Until every worker process has its BullMQ workers up (each process runs at least one on each queue), so start-up
 * is not timed.
 */
async function waitForWorkers(stack: LocalStack, workers: ChildProcess[]) {
  const { render, assessments, checks } = stack.runtime.queues.queues;
  const exited = () => workers.some((worker) => worker.exitCode !== null || worker.signalCode !== null);
  const ready = await pollUntil(
    async () => (await Promise.all([render, assessments, checks].map((queue) => queue.getWorkersCount()))).every((n) => n >= workers.length),
    (ok) => ok || exited(),
    Date.now() + 60_000 * workers.length,
    100,
  );
  if (!ready.value) throw new Error(`the worker processes did not all start their workers${exited() ? ' (one exited)' : ''}`);
}

async function main() {
  const options = readOptions();
  if (options.workerFrom === 'dist' && !options.skipBuild && !buildDist()) fail('npm run build failed');
  const loadAtStart = loadavg().map((n) => round(n, 2));
  const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/readiness_bench_verdict';
  let privateRedis: PrivateRedis | undefined;
  if (!options.sharedRedis) privateRedis = await startPrivateRedis({ persistence: 'none' });
  const redisUrl = privateRedis?.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  await prepareServices(NAME, { databaseUrl, redisUrl });
  // In a process of its own: the endpoint's thousand connections must not share the bot's event loop.
  const server = await spawnSlowServer(options.delayMs);
  const configDir = await mkdtemp(join(tmpdir(), 'readiness-verdict-'));
  const { logger } = countingLogger(options.logLevel);
  let stack: LocalStack | undefined;
  const workers: ChildProcess[] = [];
  let counter: RoundTripCounter | undefined;
  try {
    print(
      `load average at start: ${loadAtStart.join(' ')}; D = ${options.delayMs} ms; Redis ${privateRedis ? 'private' : 'shared'}; ` +
        `${options.workers} worker process(es) from ${options.workerFrom === 'dist' ? `dist/ as npm run worker runs it${options.workerNodeFlags.length > 0 ? ` + ${options.workerNodeFlags.join(' ')}` : ''}` : 'the sources (tsx)'}`,
    );
    const floorMs = await measureDelayFloor(server);
    print(`floor D (one request from here): ${floorMs} ms`);
    const naive = await measureNaiveFlow(redisUrl, server, options.sizes, options);
    for (const size of options.sizes)
      print(`naive BullMQ flow, ${size} checks: ${naive[size]?.join(', ')} ms → ${round(median(naive[size] ?? []) / floorMs, 2)} × D`);

    const allSizes = [...new Set([...options.sizes, ...(options.concurrent > 0 ? [CONCURRENT_SIZE] : [])])];
    const document = configDocument(allSizes, server.url);
    const configPath = join(configDir, 'readiness.yaml');
    await writeFile(configPath, stringify(document));
    const config = parseReadinessConfig(document, configPath);
    stack = await startLocalStack({
      config,
      databaseUrl,
      redisUrl,
      logger,
      withWorkers: false,
      ...(options.followUp === undefined ? {} : { afterAck: createLimiter(options.followUp) }),
    });
    for (let i = 0; i < options.workers; i++) {
      const profileDir = options.cpuProfileDir && options.workers > 1 ? join(options.cpuProfileDir, `worker-${i + 1}`) : options.cpuProfileDir;
      workers.push(
        spawnWorkerProcess(stack, {
          configPath,
          logLevel: options.logLevel,
          cpuProfileDir: profileDir,
          compiled: options.workerFrom === 'dist',
          extraNodeFlags: options.workerNodeFlags,
        }),
      );
    }
    await waitForWorkers(stack, workers);
    if (options.count) counter = await roundTripCounter(redisUrl, databaseUrl);

    const sizes: Record<string, unknown>[] = [];
    const checks: Record<string, boolean> = {};
    for (const size of options.sizes) {
      for (let i = 0; i < options.warmup; i++) {
        await sendAndWait(stack, size, `warm${size}`);
        await waitForQuiet(stack);
      }
      const runs: (Run & { workerCpuMs: number; benchCpuMs: number })[] = [];
      for (let i = 0; i < options.repeat; i++) {
        const [workerBefore, benchBefore] = [await workersCpuMs(workers), process.cpuUsage()];
        const run = await sendAndWait(stack, size, `run${size}`);
        const bench = process.cpuUsage(benchBefore);
        // Up to the moment the bench saw the verdict (within its 25 ms poll): the renders that follow are not in it.
        runs.push({
          ...run,
          workerCpuMs: (await workersCpuMs(workers)) - workerBefore,
          benchCpuMs: Math.round((bench.user + bench.system) / 1000),
        });
      }
      const verdictMs = median(runs.map((run) => run.verdictMs));
      const targetMs = size <= 20 ? 1.1 * floorMs + 50 : size <= 200 ? 1.2 * floorMs : 1.5 * floorMs;
      const naiveMs = median(naive[size] ?? []);
      const medianRun = runs.find((run) => run.verdictMs === verdictMs);
      let perAssessment: { redisCommands: number; pgTransactions: number; polls: number; idlePerSecond: { redis: number; pg: number } } | undefined;
      if (counter) {
        // What the processes do idle (BullMQ's blocking reads, stall checks, lock renewals, sweeps), measured over
        // a quiet span once everything earlier has settled, is subtracted over the span of the run and its settle.
        await counter.settle();
        const idleFrom = { ...(await counter.read()), at: Date.now() };
        await sleep(IDLE_SAMPLE_MS);
        const before = { ...(await counter.settle(0)), at: Date.now() };
        const idleSpan = before.at - idleFrom.at;
        const idleRedis = (before.redisCommands - idleFrom.redisCommands) / idleSpan;
        const idlePg = (before.pgTransactions - idleFrom.pgTransactions) / idleSpan;
        // This bench's own reads of the row are transactions too: subtracted.
        const own = { reads: 0 };
        await sendAndWait(stack, size, `count${size}`, own);
        const after = { ...(await counter.settle()), at: Date.now() };
        const span = after.at - before.at;
        perAssessment = {
          redisCommands: Math.round(after.redisCommands - before.redisCommands - idleRedis * span),
          pgTransactions: Math.round(after.pgTransactions - before.pgTransactions - own.reads - idlePg * span),
          polls: own.reads,
          idlePerSecond: { redis: round(idleRedis * 1000, 1), pg: round(idlePg * 1000, 1) },
        };
      }
      const ok = runs.every((run) => run.status === 'COMPLETED' && run.passed === size);
      checks[`verdict${size}.allPass`] = ok;
      checks[`verdict${size}.underTarget`] = verdictMs <= targetMs;
      sizes.push({
        checks: size,
        verdictMs: runs.map((run) => run.verdictMs),
        medianVerdictMs: verdictMs,
        ratio: round(verdictMs / floorMs, 2),
        targetMs: round(targetMs, 0),
        naiveMs: naive[size],
        naiveRatio: round(naiveMs / floorMs, 2),
        medianTimeline: medianRun?.timeline,
        workerCpuMs: runs.map((run) => run.workerCpuMs),
        botAndBenchCpuMs: runs.map((run) => run.benchCpuMs),
        perAssessment,
      });
      print(
        `readiness, ${size} checks: ${runs.map((run) => run.verdictMs).join(', ')} ms → median ${round(verdictMs / floorMs, 2)} × D ` +
          `(target ≤ ${round(targetMs, 0)} ms; naive ${round(naiveMs / floorMs, 2)} × D) ${verdictMs <= targetMs && ok ? 'ok' : 'MISS'}`,
      );
      print(`  median run, ms after the send: ${JSON.stringify(medianRun?.timeline)}`);
      print(
        `  CPU per run: worker process(es) ${runs.map((run) => run.workerCpuMs).join(', ')} ms; bot + stand-in + endpoint ${runs.map((run) => run.benchCpuMs).join(', ')} ms`,
      );
      if (perAssessment) print(`  per assessment (one counted run, renders included): ${JSON.stringify(perAssessment)}`);
    }

    let concurrent: (Awaited<ReturnType<typeof measureConcurrent>> & { workerCpuMs: number }) | undefined;
    if (options.concurrent > 0) {
      await sendAndWait(stack, CONCURRENT_SIZE, 'warmburst');
      await waitForQuiet(stack);
      const workerBefore = await workersCpuMs(workers);
      concurrent = { ...(await measureConcurrent(stack, options.concurrent)), workerCpuMs: 0 };
      concurrent.workerCpuMs = (await workersCpuMs(workers)) - workerBefore;
      const targetMs = 2 * floorMs;
      checks['concurrent.allComplete'] = concurrent.completed === options.concurrent;
      checks['concurrent.underTarget'] = concurrent.lastVerdictAfterLastCommandMs <= targetMs;
      print(
        `readiness, ${options.concurrent} × ${CONCURRENT_SIZE} checks at once: last verdict ${concurrent.lastVerdictAfterLastCommandMs} ms after the last command ` +
          `→ ${round(concurrent.lastVerdictAfterLastCommandMs / floorMs, 2)} × D (target ≤ ${round(targetMs, 0)} ms) ${checks['concurrent.underTarget'] && checks['concurrent.allComplete'] ? 'ok' : 'MISS'}`,
      );
      print(`  ${JSON.stringify(concurrent)}`);
    }

    const passed = Object.values(checks).every(Boolean);
    const result = {
      name: NAME,
      date: new Date().toISOString(),
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map((n) => round(n, 2)),
      delayMs: options.delayMs,
      floorMs,
      workers: options.workers,
      workerFrom: options.workerFrom,
      workerNodeFlags: options.workerNodeFlags,
      redis: privateRedis ? 'private' : 'shared',
      sizes,
      concurrent,
      passed,
      checks,
    };
    const resultsPath = join(projectRoot, 'bench', 'results', `${options.resultsName}.json`);
    await mkdir(dirname(resultsPath), { recursive: true });
    await writeFile(resultsPath, `${JSON.stringify(result, null, 2)}\n`);
    print(
      `load average at end: ${result.loadAverageAtEnd.join(' ')}; ${
        passed
          ? 'PASS'
          : `MISS: ${Object.keys(checks)
              .filter((k) => !checks[k])
              .join(', ')}`
      }`,
    );
    print(`results: ${resultsPath}`);
    process.exitCode = passed ? 0 : 1;
  } finally {
    await Promise.all(workers.map((worker) => stopWorkerProcess(worker)));
    await counter?.close();
    await stack?.close().catch(() => undefined);
    await server.close();
    await privateRedis?.destroy();
    await rm(configDir, { recursive: true, force: true });
  }
}

await main();
// Undici's pool and stray timers must not keep a finished bench alive.
setTimeout(() => process.exit(process.exitCode ?? 0), 5000).unref();
