// npm run bench:footprint — the production build's footprint: resident memory of the compiled bot and worker
// (plain node on dist/) idle and after a burst of commands, the worker's peak while it runs one assessment of 1,000
// checks (the fan-out), and the whole-process wall time of the compiled CLI against a bare `node -e 0` measured in the
// same run, including `assess` of 50 checks against the slowest check. Checks that no CLI run leaves a process behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startExampleService } from '../tools/demo/example-service.ts';
import { SlackStandIn } from '../tools/slack-stand-in/slack-stand-in.ts';
import { projectRoot } from '../src/shared/paths.ts';
import { benchSettings, failBench, pollUntil, prepareServices, sleep } from './support/harness.ts';
import { processGroupMembers, residentMemory, type ResidentMemory } from './support/proc.ts';
import { spawnSlowServer } from './support/slow-server-process.ts';

const NAME = 'memory-and-cli';
const TARGETS = { botIdleMiB: 120, workerIdleMiB: 150, validateMs: 300, workerFanOutPeakMiB: 250, assessOverSlowestMs: 300 } as const;
/** The fan-out: one assessment of this many http checks, each answered after ENDPOINT_DELAY_MS (as bench:verdict). */
const FAN_OUT_CHECKS = 1000;
/** `readiness assess` of this many http checks against the same endpoint. */
const CLI_CHECKS = 50;
const ENDPOINT_DELAY_MS = 200;

const { values } = parseArgs({
  options: {
    burst: { type: 'string', default: '200' },
    /** Skip the 1,000-check fan-out (and its own bot and worker start). */
    'no-fan-out': { type: 'boolean', default: false },
    runs: { type: 'string', default: '11' },
    'settle-ms': { type: 'string', default: '5000' },
    'skip-build': { type: 'boolean', default: false },
    /** Extra node flags for bot and worker, to try a setting (e.g. "--max-semi-space-size=2"). */
    'node-flags': { type: 'string', default: '' },
  },
});
const burst = Number(values.burst);
const runs = Number(values.runs);
const settleMs = Number(values['settle-ms']);
if (!Number.isInteger(burst) || burst < 1 || !Number.isInteger(runs) || runs < 1 || !Number.isInteger(settleMs) || settleMs < 0) {
  failBench(NAME, '--burst and --runs must be positive whole numbers, --settle-ms a whole number of milliseconds');
}

const settings = {
  ...benchSettings(NAME),
  databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/readiness_bench_footprint',
};
const dist = (...parts: string[]) => join(projectRoot, 'dist', 'src', ...parts);
const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;
const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? Number.NaN;

if (!values['skip-build']) {
  process.stderr.write('building dist/ (npm run build)…\n');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, stdio: 'inherit' });
  if (built.status !== 0) failBench(NAME, 'npm run build failed');
}
process.stderr.write(`database: ${await prepareServices(NAME, settings)}\n`);

// --- bot and worker ------------------------------------------------------------------------------------------
const target = await startExampleService();
const signingSecret = randomBytes(16).toString('hex');
const channel = 'C0BENCHFOOT';
const standIn = await SlackStandIn.start({ signingSecret, botToken: 'xoxb-bench-footprint', channels: [channel] });
const work = await mkdtemp(join(tmpdir(), 'readiness-footprint-'));
const configPath = join(work, 'readiness.yaml');
await writeFile(
  configPath,
  `services:\n  example-api:\n    environments:\n      staging:\n        vars: { baseUrl: "${target.url}" }\n    checks:\n` +
    `      - { id: health, name: Health, type: http, severity: critical, url: "{{baseUrl}}/healthz" }\n` +
    `      - { id: docs, name: Docs, type: http, severity: low, category: documentation, url: "{{baseUrl}}/docs" }\n`,
);
/** A port nothing listens on right now (the OS picks it), so parallel runs on one machine never collide. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const port = await freePort();
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  SLACK_BOT_TOKEN: 'xoxb-bench-footprint',
  SLACK_SIGNING_SECRET: signingSecret,
  SLACK_API_URL: standIn.apiUrl,
  DATABASE_URL: settings.databaseUrl,
  REDIS_URL: settings.redisUrl,
  QUEUE_PREFIX: `benchfoot${randomBytes(3).toString('hex')}`,
  READINESS_CONFIG: configPath,
  PORT: String(port),
  LOG_LEVEL: 'warn',
};
const children: ChildProcess[] = [];
const scripts = (JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
/** The production command as package.json runs it (`npm start`, `npm run worker`): plain node, its flags, dist/. */
function productionArgs(script: string): string[] {
  const [node, ...args] = (scripts[script] ?? '').split(' ').filter(Boolean);
  if (node !== 'node' || !args.at(-1)?.startsWith('dist/')) failBench(NAME, `npm run ${script} is not "node [flags] dist/…": ${scripts[script]}`);
  return args.map((arg) => (arg.startsWith('dist/') ? join(projectRoot, arg) : arg));
}
function startEntry(script: 'start' | 'worker', adminPort: number, extraEnv: Record<string, string>): ChildProcess {
  const flags = values['node-flags'].split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, ...productionArgs(script)], {
    env: { ...env, ADMIN_PORT: String(adminPort), ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}
const stopProcesses = async () => {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }),
  );
};
const stopAll = async () => {
  await stopProcesses();
  await standIn.close();
  await target.close();
};
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

/** A bot and a worker as production starts them, on fresh admin ports, once both answer /readyz. */
async function startBotAndWorker(extraEnv: Record<string, string> = {}): Promise<{ bot: ChildProcess; worker: ChildProcess }> {
  const botAdmin = await freePort();
  const workerAdmin = await freePort();
  const started = { bot: startEntry('start', botAdmin, extraEnv), worker: startEntry('worker', workerAdmin, extraEnv) };
  for (const adminPort of [botAdmin, workerAdmin]) {
    const ready = await pollUntil(
      () =>
        fetch(`http://127.0.0.1:${adminPort}/readyz`).then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status === 200,
      Date.now() + 60_000,
      200,
    );
    if (!ready.reached) {
      await stopAll();
      failBench(NAME, `the process on admin port ${adminPort} was not ready within 60 s`);
    }
  }
  return started;
}

const { bot, worker } = await startBotAndWorker();

/** Median of a few samples a little apart, once start-up work (JIT, pools, first timers) has had time to settle. */
async function settledMemory(child: ChildProcess): Promise<ResidentMemory> {
  const samples: ResidentMemory[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(await residentMemory(child.pid ?? 0));
    await sleep(300);
  }
  const rss = median(samples.map((s) => s.rssKiB));
  return { rssKiB: rss, peakKiB: Math.max(...samples.map((s) => s.peakKiB)) };
}

await sleep(settleMs);
const idle = { bot: await settledMemory(bot), worker: await settledMemory(worker) };

process.stderr.write(`sending ${burst} signed /readiness commands…\n`);
const burstStarted = Date.now();
const acks = await Promise.all(
  Array.from({ length: burst }, (_, i) =>
    standIn
      .sendSlashCommand(`http://127.0.0.1:${port}/slack/events`, { text: 'run example-api staging', userId: `U0FOOT${i}`, channelId: channel })
      .then(
        (answer) => answer.status,
        () => 0,
      ),
  ),
);
const verdicts = await pollUntil(
  async () => standIn.messages(channel).filter((message) => message.text?.startsWith('Readiness example-api → staging: ')).length,
  (count) => count >= burst,
  Date.now() + 180_000,
  250,
);
const burstSeconds = (Date.now() - burstStarted) / 1000;
await sleep(1000);
const afterBurst = { bot: await settledMemory(bot), worker: await settledMemory(worker) };
await stopProcesses();

// --- the fan-out: one assessment of 1,000 checks in a fresh bot and worker ------------------------------------
const endpoint = await spawnSlowServer(ENDPOINT_DELAY_MS);
const fanOut = values['no-fan-out'] ? undefined : await measureFanOut();
await stopAll();

/**
 * The worker's resident memory while it runs every check of one 1,000-check assessment at once. Its own bot and
 * worker, started with a config that adds the fan-out service, so the idle and burst figures above keep the
 * shipped-size config. RSS is sampled every 100 ms from the command to the verdict; VmHWM is the kernel's peak.
 */
async function measureFanOut() {
  const fanOutConfig = join(work, 'fan-out.yaml');
  const checks = Array.from(
    { length: FAN_OUT_CHECKS },
    (_, i) => `      - { id: c${i}, name: Check ${i}, type: http, severity: low, timeoutMs: 10000, url: "${endpoint.url}/endpoint/${i}" }\n`,
  );
  await writeFile(fanOutConfig, `services:\n  fanout:\n    environments:\n      bench: {}\n    checks:\n${checks.join('')}`);
  const started = await startBotAndWorker({ READINESS_CONFIG: fanOutConfig });
  await sleep(settleMs);
  const idleWorker = await settledMemory(started.worker);
  let sampledPeakKiB = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      sampledPeakKiB = Math.max(sampledPeakKiB, (await residentMemory(started.worker.pid ?? 0)).rssKiB);
      await sleep(100);
    }
  })();
  const sentAt = Date.now();
  const answer = await standIn.sendSlashCommand(`http://127.0.0.1:${port}/slack/events`, {
    text: 'run fanout bench',
    userId: 'U0FOOTFAN',
    channelId: channel,
  });
  const verdict = await pollUntil(
    // The first post says "assessing…" under the same heading; the verdict replaces it.
    async () =>
      standIn.messages(channel).find((message) => message.text?.startsWith('Readiness fanout → bench: ') && !message.text.includes('assessing'))
        ?.text,
    (text) => text !== undefined,
    Date.now() + 120_000,
    100,
  );
  const seconds = (Date.now() - sentAt) / 1000;
  await sleep(1000);
  sampling = false;
  await sampler;
  const after = await residentMemory(started.worker.pid ?? 0);
  await stopProcesses();
  return {
    checks: FAN_OUT_CHECKS,
    endpointDelayMs: ENDPOINT_DELAY_MS,
    acked: answer.status,
    verdict: verdict.value ?? null,
    seconds,
    workerIdleKiB: idleWorker.rssKiB,
    workerPeakSampledKiB: sampledPeakKiB,
    workerPeakKiB: after.peakKiB,
    workerAfterKiB: after.rssKiB,
  };
}

// --- the CLI -------------------------------------------------------------------------------------------------
interface CliFigure {
  label: string;
  medianMs: number;
  minMs: number;
  exitCodes: number[];
  leftBehind: string[];
}

/**
 * One whole process, from spawn to exit, in a process group of its own (detached), so anything it started and
 * left running is found in that group when it exits and again a second later.
 */
function timeOnce(args: string[]): Promise<{ ms: number; code: number; leftBehind: string[] }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: projectRoot, env, detached: true, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const atExit = processGroupMembers(child.pid ?? -1);
      void sleep(1000).then(() => resolve({ ms, code: code ?? -1, leftBehind: [...new Set([...atExit, ...processGroupMembers(child.pid ?? -1)])] }));
    });
  });
}

async function timeCli(label: string, args: string[]): Promise<CliFigure> {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await timeOnce(args));
  const times = results.map((r) => r.ms);
  return {
    label,
    medianMs: Math.round(median(times)),
    minMs: Math.round(Math.min(...times)),
    exitCodes: [...new Set(results.map((r) => r.code))],
    leftBehind: [...new Set(results.flatMap((r) => r.leftBehind))],
  };
}

/**
 * `assess --json` of CLI_CHECKS http checks against the slow endpoint (in its own process), each run's whole-process
 * time against its slowest check's own durationMs as the CLI reports it.
 */
async function timeAssessAgainstSlowest(cliPath: string, configPath: string) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [cliPath, 'assess', '--service', 'gate', '--env', 'ci', '--config', configPath, '--json'], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number>((resolve) => child.once('close', (exitCode) => resolve(exitCode ?? -1)));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    let slowestCheckMs = Number.NaN;
    let passed = 0;
    try {
      const report = JSON.parse(out) as { checks: { status: string; durationMs: number | null }[] };
      slowestCheckMs = Math.max(...report.checks.map((check) => check.durationMs ?? 0));
      passed = report.checks.filter((check) => check.status === 'PASS').length;
    } catch {
      // No report: counted as a failed run below.
    }
    results.push({ ms, code, slowestCheckMs, overSlowestMs: ms - slowestCheckMs, passed });
  }
  const over = results.map((r) => r.overSlowestMs);
  return {
    label: `readiness assess (${CLI_CHECKS} http checks, ${ENDPOINT_DELAY_MS} ms each)`,
    checks: CLI_CHECKS,
    endpointDelayMs: ENDPOINT_DELAY_MS,
    medianMs: Math.round(median(results.map((r) => r.ms))),
    minMs: Math.round(Math.min(...results.map((r) => r.ms))),
    medianSlowestCheckMs: Math.round(median(results.map((r) => r.slowestCheckMs))),
    medianOverSlowestMs: Math.round(median(over)),
    worstOverSlowestMs: Math.round(Math.max(...over)),
    medianOverEndpointDelayMs: Math.round(median(results.map((r) => r.ms - ENDPOINT_DELAY_MS))),
    exitCodes: [...new Set(results.map((r) => r.code))],
    allPassed: results.every((r) => r.passed === CLI_CHECKS),
  };
}

const exampleConfig = join(projectRoot, 'examples', 'readiness.yaml');
/** What an installed package runs (bin/readiness.mjs): the bundle `npm run build` makes. */
const shippedCli = dist('main', 'cli.bundle.mjs');
const cliTarget = await startExampleService();
const cliConfig = join(work, 'cli.yaml');
await writeFile(cliConfig, (await readFile(configPath, 'utf8')).replaceAll(target.url, cliTarget.url));
const gateEndpoint = await spawnSlowServer(ENDPOINT_DELAY_MS);
const gateConfig = join(work, 'gate.yaml');
await writeFile(
  gateConfig,
  `services:\n  gate:\n    environments:\n      ci: {}\n    checks:\n${Array.from(
    { length: CLI_CHECKS },
    (_, i) => `      - { id: c${i}, name: Check ${i}, type: http, severity: low, url: "${gateEndpoint.url}/endpoint/${i}" }\n`,
  ).join('')}`,
);
const cli = {
  floor: await timeCli('node -e 0 (floor)', ['-e', '0']),
  validate: await timeCli('readiness config validate', [shippedCli, 'config', 'validate', '--config', exampleConfig]),
  validateModules: await timeCli('validate, unbundled dist/ modules', [dist('main', 'cli.js'), 'config', 'validate', '--config', exampleConfig]),
  assess: await timeCli('readiness assess (2 http checks)', [
    shippedCli,
    'assess',
    '--service',
    'example-api',
    '--env',
    'staging',
    '--config',
    cliConfig,
  ]),
  validateTsx: await timeCli('validate via tsx (dev, reference)', [
    '--import',
    'tsx',
    join(projectRoot, 'src', 'main', 'cli.ts'),
    'config',
    'validate',
    '--config',
    exampleConfig,
  ]),
};
const assessGate = await timeAssessAgainstSlowest(shippedCli, gateConfig);
await cliTarget.close();
await gateEndpoint.close();
await endpoint.close();

// --- report --------------------------------------------------------------------------------------------------
const below = (what: string, value: number, unit: string, target: number) => ({ what, value, unit, target, ok: value < target, rule: '<' });
const checks = [
  below('bot idle RSS', mib(idle.bot.rssKiB), 'MiB', TARGETS.botIdleMiB),
  below('worker idle RSS', mib(idle.worker.rssKiB), 'MiB', TARGETS.workerIdleMiB),
  below('config validate, whole process (median)', cli.validate.medianMs, 'ms', TARGETS.validateMs),
  ...(fanOut
    ? [below(`worker peak RSS, ${FAN_OUT_CHECKS}-check assessment (VmHWM)`, mib(fanOut.workerPeakKiB), 'MiB', TARGETS.workerFanOutPeakMiB)]
    : []),
  {
    what: `assess of ${CLI_CHECKS} checks, whole process − slowest check (worst run)`,
    value: assessGate.worstOverSlowestMs,
    unit: 'ms',
    target: TARGETS.assessOverSlowestMs,
    ok: assessGate.worstOverSlowestMs <= TARGETS.assessOverSlowestMs && assessGate.allPassed,
    rule: '≤',
  },
];
const leftovers = Object.values(cli).flatMap((figure) => figure.leftBehind.map((p) => `${figure.label}: ${p}`));
const load = loadavg();
const acked = acks.filter((status) => status === 200).length;

const lines = [
  `Readiness footprint (node ${process.version}, compiled dist/): bot \`${scripts.start}\`, worker \`${scripts.worker}\`${values['node-flags'] ? `, extra flags ${values['node-flags']}` : ''}`,
  '',
  '                      idle RSS    after burst RSS   peak RSS',
  `  bot                 ${String(mib(idle.bot.rssKiB)).padStart(6)} MiB  ${String(mib(afterBurst.bot.rssKiB)).padStart(9)} MiB   ${String(mib(afterBurst.bot.peakKiB)).padStart(6)} MiB`,
  `  worker              ${String(mib(idle.worker.rssKiB)).padStart(6)} MiB  ${String(mib(afterBurst.worker.rssKiB)).padStart(9)} MiB   ${String(mib(afterBurst.worker.peakKiB)).padStart(6)} MiB`,
  `  burst: ${burst} signed commands, ${acked} acked 200, ${verdicts.value} verdicts posted in ${burstSeconds.toFixed(1)} s`,
  '',
  `  CLI, whole process (${runs} runs)   median     min   exit`,
  ...Object.values(cli).map(
    (f) => `  ${f.label.padEnd(34)} ${String(f.medianMs).padStart(5)} ms ${String(f.minMs).padStart(5)} ms   ${f.exitCodes.join(',')}`,
  ),
  `  ${assessGate.label}: median ${assessGate.medianMs} ms, slowest check ${assessGate.medianSlowestCheckMs} ms (median), ` +
    `whole − slowest: median ${assessGate.medianOverSlowestMs} ms, worst ${assessGate.worstOverSlowestMs} ms; ` +
    `whole − ${ENDPOINT_DELAY_MS} ms: median ${assessGate.medianOverEndpointDelayMs} ms; every check PASS: ${assessGate.allPassed}`,
  `  processes left behind by the CLI: ${leftovers.length === 0 ? 'none' : leftovers.join('; ')}`,
  '',
  fanOut
    ? `  fan-out: ${fanOut.checks} checks of ${fanOut.endpointDelayMs} ms in one assessment, verdict in ${fanOut.seconds.toFixed(1)} s (${fanOut.verdict ?? 'NO VERDICT'}); ` +
      `worker idle ${mib(fanOut.workerIdleKiB)} MiB with this config, peak ${mib(fanOut.workerPeakKiB)} MiB (VmHWM; sampled ${mib(fanOut.workerPeakSampledKiB)}), after ${mib(fanOut.workerAfterKiB)} MiB`
    : '  fan-out: skipped (--no-fan-out)',
  `  load average: ${load[0]?.toFixed(1)} / ${load[1]?.toFixed(1)} (1 / 5 min)`,
  '',
  'Targets:',
  ...checks.map((c) => `  ${c.ok ? 'met   ' : 'MISSED'} ${c.what}: ${c.value} ${c.unit} (target ${c.rule} ${c.target} ${c.unit})`),
  `  ${leftovers.length === 0 ? 'met   ' : 'MISSED'} no process left behind`,
];
process.stdout.write(`${lines.join('\n')}\n`);

await mkdir(dirname(settings.resultsPath), { recursive: true });
await writeFile(
  settings.resultsPath,
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, commands: { bot: scripts.start, worker: scripts.worker }, extraNodeFlags: values['node-flags'], burst, runs, settleMs, idle, afterBurst, acked, verdicts: verdicts.value, burstSeconds, cli, assessGate, fanOut: fanOut ?? null, loadAverage: { oneMinute: load[0], fiveMinutes: load[1] }, targets: TARGETS, leftovers }, null, 2)}\n`,
);
process.stderr.write(`wrote ${settings.resultsPath}\n`);
const missed = checks.some((c) => !c.ok) || leftovers.length > 0 || verdicts.value < burst || (fanOut !== undefined && fanOut.verdict === null);
process.exit(missed ? 1 : 0);
