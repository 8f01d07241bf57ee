import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { jobIds, QueueName } from '../src/queue/names.ts';
import { projectRoot } from '../src/shared/paths.ts';
import { createLogger } from '../src/shared/logger.ts';
import { createDb, type Db } from '../src/store/prisma.ts';
import { redactUrl } from '../src/store/migrations.ts';
import { startExampleService, type ExampleService } from '../tools/demo/example-service.ts';
import { SlackStandIn } from '../tools/slack-stand-in/slack-stand-in.ts';
import { summarizeProfiles } from './support/cpu-profile.ts';
import { benchSettings, countBy, failBench, pollUntil, prepareServices } from './support/harness.ts';
import { cpuTimeMs, residentMemory } from './support/proc.ts';
import { buildDist, freePort, spawnProduction, stopProcess, waitReady } from './support/production-process.ts';
import { percentiles, round } from './support/stats.ts';

/**
 * `npm run bench:ack [-- --count N --rounds R]`: R rounds of N signed `/readiness run example-api staging` sent at
 * once, through real HTTP, to the bot started the production way (`node <npm start's flags> dist/src/main/bot.js`,
 * its own process, a worker process beside it) and, in the same run, to a minimal Bolt 5 app (ack +
 * chat.postMessage, bench/support/minimal-bolt-app.mjs, its own process): the floor. Both are fresh when round 1
 * starts, so the first burst after start is measured. Reports each round's ack p99 against the floor's, and
 * checks every command became exactly one assessment with one queued flow, completed.
 */

const NAME = 'ack-latency';
/** Readiness's ack p99 may be at most this many times the minimal Bolt app's, in every round. */
const TARGET_RATIO = 1.2;
const SERVICE = 'example-api';
const ENVIRONMENT = 'staging';
const BOT_CHANNEL = 'C0BENCHACK';
const FLOOR_CHANNEL = 'C0BENCHFLOOR';
const SETTLE_TIMEOUT_MS = 180_000;

const { values } = parseArgs({
  options: {
    count: { type: 'string', short: 'n', default: '200' },
    rounds: { type: 'string', default: '3' },
    'log-level': { type: 'string', default: 'info' },
    'skip-build': { type: 'boolean', default: false },
    /** Writes the bot's CPU profile (node --cpu-prof) to this directory and prints where its time went. */
    'cpu-prof': { type: 'string' },
    /** Node flags added after npm start's own (the last of a flag wins), to try a setting: "--max-semi-space-size=8". */
    'bot-node-flags': { type: 'string', default: '' },
  },
});
const count = Number(values.count);
const rounds = Number(values.rounds);
const logLevel = values['log-level'];
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(rounds) || rounds < 1)
  failBench(NAME, '--count and --rounds must be positive integers');
if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) failBench(NAME, `--log-level must be debug|info|warn|error, got ${logLevel}`);

const { databaseUrl, redisUrl, resultsPath } = benchSettings(NAME);
const print = (text = '') => process.stdout.write(`${text}\n`);

interface Burst {
  /** CPU the app's process used while the sender ran (start to last answer): its acks, and what it did beside them. */
  cpuMs: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  http200: number;
  triggerIds: string[];
}

/**
 * N signed commands at once, from a process of its own (bench/support/burst-sender.ts), so that the Web API calls
 * an app makes after its acks, answered by the stand-in in this process, never slow the clock timing the acks.
 */
async function burst(standIn: SlackStandIn, url: string, channelId: string, tag: string, pid: number): Promise<Burst> {
  const triggerIds = Array.from({ length: count }, (_, i) => `bench.${tag}.${String(i).padStart(5, '0')}`);
  const order = {
    url,
    signingSecret,
    text: `run ${SERVICE} ${ENVIRONMENT}`,
    channelId,
    teamId: 'T0READY',
    responseUrlBase: standIn.baseUrl,
    triggerIds,
  };
  const sender = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'bench', 'support', 'burst-sender.ts'), JSON.stringify(order)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  sender.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  // CPU is read from the sender's start: its own start-up (loading tsx) takes a while but the app is idle meanwhile.
  const cpuBefore = cpuTimeMs(pid);
  await new Promise((resolve) => sender.once('exit', resolve));
  const cpuMs = cpuTimeMs(pid) - cpuBefore;
  const results = JSON.parse(output) as { status: number; ms: number }[];
  const ms = percentiles(
    results.map((r) => r.ms),
    { p50: 50, p95: 95, p99: 99, max: 100 },
  );
  return { cpuMs, ...ms, http200: results.filter((r) => r.status === 200).length, triggerIds };
}

/**
 * The bot's round is over once every command's assessment is COMPLETED with its message posted and the workers
 * have no message update left to make: the next burst, the floor's or the bot's, meets a quiet machine.
 */
async function settleBot(db: Db, render: Queue, triggerIds: string[]) {
  const settled = await pollUntil(
    () =>
      db.assessment.findMany({ where: { requestKey: { in: triggerIds } }, select: { id: true, requestKey: true, status: true, messageTs: true } }),
    (rows) => rows.length >= triggerIds.length && rows.every((row) => row.status === 'COMPLETED' && row.messageTs !== null),
    Date.now() + SETTLE_TIMEOUT_MS,
    250,
  );
  await pollUntil(
    async () => Object.values(await render.getJobCounts('waiting', 'delayed', 'active', 'prioritized')).reduce((a, b) => a + b, 0),
    (left) => left === 0,
    Date.now() + SETTLE_TIMEOUT_MS,
    250,
  );
  return settled;
}

const dbReport = await prepareServices(NAME, { databaseUrl, redisUrl });
if (!values['skip-build'] && !buildDist()) failBench(NAME, 'npm run build failed');

const signingSecret = randomBytes(16).toString('hex');
const botToken = 'xoxb-bench-ack';
const prefix = `benchack${randomBytes(3).toString('hex')}`;
const children: ChildProcess[] = [];
let target: ExampleService | undefined;
let standIn: SlackStandIn | undefined;
let db: Db | undefined;
let passed = false;
try {
  target = await startExampleService();
  standIn = await SlackStandIn.start({ signingSecret, botToken, channels: [BOT_CHANNEL, FLOOR_CHANNEL] });
  const work = await mkdtemp(join(tmpdir(), 'readiness-bench-ack-'));
  const configPath = join(work, 'readiness.yaml');
  const yaml = (await readFile(join(projectRoot, 'examples', 'readiness.yaml'), 'utf8')).replace('http://127.0.0.1:4010', target.url);
  await writeFile(configPath, yaml);

  const [botPort, botAdmin, workerAdmin, floorPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env = {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: standIn.apiUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    READINESS_CONFIG: configPath,
    LOG_LEVEL: logLevel,
    NODE_ENV: 'production',
  };
  const profileDir = values['cpu-prof'];
  const profileFlags = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ...values['bot-node-flags'].split(' ').filter(Boolean),
  ];
  const bot = spawnProduction('start', { ...env, PORT: String(botPort), ADMIN_PORT: String(botAdmin) }, profileFlags);
  const worker = spawnProduction('worker', { ...env, ADMIN_PORT: String(workerAdmin) });
  const floor = spawn(process.execPath, [join(projectRoot, 'bench', 'support', 'minimal-bolt-app.mjs')], {
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: standIn.apiUrl,
      PORT: String(floorPort),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(bot, worker, floor);
  const floorReady = new Promise<boolean>((resolve) => {
    floor.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(true));
    floor.once('exit', () => resolve(false));
  });
  if (!(await waitReady(botAdmin)) || !(await waitReady(workerAdmin)) || !(await floorReady))
    throw new Error('bot, worker or floor app did not start within 60 s');

  db = createDb(databaseUrl, createLogger('error'));
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const render = new Queue(QueueName.slackRender, { connection, prefix });
  const botUrl = `http://127.0.0.1:${botPort}/slack/events`;
  const floorUrl = `http://127.0.0.1:${floorPort}/slack/events`;
  print(`bench ${NAME}: ${rounds} rounds of ${count} concurrent \`/readiness run ${SERVICE} ${ENVIRONMENT}\``);
  print(`  database ${redactUrl(databaseUrl)} (${dbReport}); redis ${redisUrl}; queue prefix ${prefix}; LOG_LEVEL=${logLevel}`);
  print(
    `  bot: node dist/src/main/bot.js as npm start runs it (pid ${bot.pid}); worker pid ${worker.pid}; floor: minimal Bolt 5 app (pid ${floor.pid})`,
  );
  print();

  // Idle resident memory of the bot before its first burst: what a flag that buys latency costs in memory.
  const botIdleMiB = Math.round((await residentMemory(bot.pid ?? 0)).rssKiB / 102.4) / 10;
  const runTag = randomBytes(3).toString('hex');
  const results: {
    round: number;
    order: string;
    floor: Omit<Burst, 'triggerIds'>;
    bot: Omit<Burst, 'triggerIds'>;
    ratioP99: number;
    botSettleMs: number;
  }[] = [];
  const allTriggers: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Alternate who goes first, so neither always meets a machine still busy with the other's follow-up work.
    const botFirst = round % 2 === 0;
    let floorBurst: Burst | undefined;
    let botBurst: Burst | undefined;
    let botSettleMs = 0;
    for (const who of botFirst ? ['bot', 'floor'] : ['floor', 'bot']) {
      if (who === 'floor') {
        const before = standIn.messages(FLOOR_CHANNEL).length;
        floorBurst = await burst(standIn, floorUrl, FLOOR_CHANNEL, `${runTag}f${round}`, floor.pid ?? 0);
        await pollUntil(
          async () => standIn?.messages(FLOOR_CHANNEL).length ?? 0,
          (n) => n >= before + count,
          Date.now() + SETTLE_TIMEOUT_MS,
          100,
        );
      } else {
        const started = Date.now();
        botBurst = await burst(standIn, botUrl, BOT_CHANNEL, `${runTag}b${round}`, bot.pid ?? 0);
        allTriggers.push(...botBurst.triggerIds);
        const settled = await settleBot(db, render, botBurst.triggerIds);
        botSettleMs = Date.now() - started;
        if (!settled.reached) print(`  round ${round}: the bot's assessments did not all complete within ${SETTLE_TIMEOUT_MS / 1000} s`);
      }
    }
    if (!floorBurst || !botBurst) throw new Error('a burst did not run');
    const { triggerIds: _f, ...floorFigures } = floorBurst;
    const { triggerIds: _b, ...botFigures } = botBurst;
    const ratioP99 = botBurst.p99 / floorBurst.p99;
    results.push({ round, order: botFirst ? 'bot first' : 'floor first', floor: floorFigures, bot: botFigures, ratioP99, botSettleMs });
    print(
      `  round ${round} (${botFirst ? 'bot first' : 'floor first'}): floor p99 ${floorBurst.p99.toFixed(0)} ms (p50 ${floorBurst.p50.toFixed(0)}), ` +
        `readiness p99 ${botBurst.p99.toFixed(0)} ms (p50 ${botBurst.p50.toFixed(0)}) → ${ratioP99.toFixed(2)}×; ` +
        `CPU until the last ack ${floorBurst.cpuMs} / ${botBurst.cpuMs} ms; HTTP 200 ${floorBurst.http200}/${botBurst.http200}; ` +
        `bot round settled in ${(botSettleMs / 1000).toFixed(1)} s`,
    );
  }

  const botAfterMiB = Math.round((await residentMemory(bot.pid ?? 0)).rssKiB / 102.4) / 10;
  // Exactly one assessment per command, each with its flow's parent job, all completed.
  const rows = await db.assessment.findMany({ where: { requestKey: { in: allTriggers } }, select: { id: true, requestKey: true, status: true } });
  const perKey = countBy(rows, (row) => row.requestKey);
  const assessments = new Queue(QueueName.assessments, { connection, prefix });
  const withJob = (await Promise.all(rows.map((row) => assessments.getJob(jobIds.assessment(row.id))))).filter(Boolean).length;
  await assessments.obliterate({ force: true }).catch(() => undefined);
  await assessments.close();
  await render.close();
  connection.disconnect();
  const checks = {
    everyRoundWithinRatio: results.every((r) => r.ratioP99 <= TARGET_RATIO),
    allAcked200: results.every((r) => r.bot.http200 === count && r.floor.http200 === count),
    oneAssessmentPerCommand: allTriggers.every((key) => perKey[key] === 1),
    oneFlowPerAssessment: withJob === rows.length,
    allCompleted: rows.every((row) => row.status === 'COMPLETED'),
  };
  passed = Object.values(checks).every(Boolean);
  const ratios = results.map((r) => r.ratioP99).sort((a, b) => a - b);
  const medianRatio = ratios[Math.floor(ratios.length / 2)] ?? Number.NaN;
  // The profile is written when the bot exits.
  if (profileDir) await stopProcess(bot);
  const profile = profileDir ? await summarizeProfiles(profileDir) : undefined;
  const [load1, load5] = (await readFile('/proc/loadavg', 'utf8')).split(' ').map(Number);

  print();
  print(
    `median ratio ${medianRatio.toFixed(2)}×, worst ${Math.max(...ratios).toFixed(2)}× (target ≤ ${TARGET_RATIO}× in every round, the first included)`,
  );
  print(
    `correctness: ${Object.entries(checks)
      .map(([k, ok]) => `${k}=${ok}`)
      .join(', ')}`,
  );
  print(`bot RSS idle before the first burst ${botIdleMiB} MiB, after the last round ${botAfterMiB} MiB`);
  print(`load average ${load1} (1 min) ${load5} (5 min)`);
  if (profile) {
    print();
    print(`bot CPU profile (${profileDir}): self time by package / file`);
    for (const line of profile.lines) print(`  ${line}`);
  }
  await mkdir(join(projectRoot, 'bench', 'results'), { recursive: true });
  const result = {
    name: NAME,
    date: new Date().toISOString(),
    count,
    rounds,
    logLevel,
    botStartedAs: `node <npm start flags> ${values['bot-node-flags']} dist/src/main/bot.js (built by npm run build)`.replace('  ', ' '),
    floor: 'bench/support/minimal-bolt-app.mjs: Bolt 5 HTTPReceiver, ack + chat.postMessage',
    loadAverage: { oneMinute: load1, fiveMinutes: load5 },
    botRssMiB: { idle: botIdleMiB, afterRounds: botAfterMiB },
    target: { ratioP99: TARGET_RATIO },
    medianRatio: round(medianRatio, 2),
    worstRatio: round(Math.max(...ratios), 2),
    results: results.map((r) => ({
      ...r,
      ratioP99: round(r.ratioP99, 2),
      floor: { ...r.floor, p50: round(r.floor.p50), p95: round(r.floor.p95), p99: round(r.floor.p99), max: round(r.floor.max) },
      bot: { ...r.bot, p50: round(r.bot.p50), p95: round(r.bot.p95), p99: round(r.bot.p99), max: round(r.bot.max) },
    })),
    passed,
    checks,
    ...(profile ? { cpuProfile: profile.top } : {}),
  };
  await writeFile(resultsPath, `${JSON.stringify(result, null, 2)}\n`);
  print(`results written to ${resultsPath}`);
  print(
    passed
      ? `PASS: every round within ${TARGET_RATIO}× the floor`
      : `FAIL: ${Object.entries(checks)
          .filter(([, ok]) => !ok)
          .map(([k]) => k)
          .join(', ')}`,
  );
} catch (error) {
  process.stderr.write(`bench ${NAME} crashed: ${(error as Error).stack ?? String(error)}\n`);
  passed = false;
} finally {
  await Promise.all(children.map((child) => stopProcess(child)));
  await db?.$disconnect();
  await standIn?.close();
  await target?.close();
}
process.exit(passed ? 0 : 1);
