// npm run bench:footprint — the production build's footprint: resident memory of the compiled bot and worker
// (plain node on dist/) idle and after a burst of commands, and the whole-process wall time of the compiled CLI
// against a bare `node -e 0` measured in the same run. Checks that no CLI run leaves a process behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startExampleService } from '../tools/demo/example-service.ts';
import { SlackStandIn } from '../tools/slack-stand-in/slack-stand-in.ts';
import { projectRoot } from '../src/shared/paths.ts';
import { benchSettings, failBench, pollUntil, prepareServices, sleep } from './support/harness.ts';
import { processGroupMembers, residentMemory, type ResidentMemory } from './support/proc.ts';

const NAME = 'memory-and-cli';
const TARGETS = { botIdleMiB: 120, workerIdleMiB: 150, validateMs: 300 } as const;

const { values } = parseArgs({
  options: {
    burst: { type: 'string', default: '200' },
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
function startEntry(script: 'start' | 'worker', adminPort: number): ChildProcess {
  const flags = values['node-flags'].split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, ...productionArgs(script)], {
    env: { ...env, ADMIN_PORT: String(adminPort) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}
const stopAll = async () => {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }),
  );
  await standIn.close();
  await target.close();
};
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

const botAdmin = await freePort();
const workerAdmin = await freePort();
const bot = startEntry('start', botAdmin);
const worker = startEntry('worker', workerAdmin);
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
await stopAll();

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

const exampleConfig = join(projectRoot, 'examples', 'readiness.yaml');
const cliTarget = await startExampleService();
const cliConfig = join(work, 'cli.yaml');
await writeFile(cliConfig, (await readFile(configPath, 'utf8')).replaceAll(target.url, cliTarget.url));
const cli = {
  floor: await timeCli('node -e 0 (floor)', ['-e', '0']),
  validate: await timeCli('readiness config validate', [dist('main', 'cli.js'), 'config', 'validate', '--config', exampleConfig]),
  assess: await timeCli('readiness assess (2 http checks)', [
    dist('main', 'cli.js'),
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
await cliTarget.close();

// --- report --------------------------------------------------------------------------------------------------
const checks = [
  { what: 'bot idle RSS', value: mib(idle.bot.rssKiB), unit: 'MiB', target: TARGETS.botIdleMiB },
  { what: 'worker idle RSS', value: mib(idle.worker.rssKiB), unit: 'MiB', target: TARGETS.workerIdleMiB },
  { what: 'config validate, whole process (median)', value: cli.validate.medianMs, unit: 'ms', target: TARGETS.validateMs },
];
const leftovers = Object.values(cli).flatMap((figure) => figure.leftBehind.map((p) => `${figure.label}: ${p}`));
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
  `  processes left behind by the CLI: ${leftovers.length === 0 ? 'none' : leftovers.join('; ')}`,
  '',
  'Targets:',
  ...checks.map((c) => `  ${c.value < c.target ? 'met   ' : 'MISSED'} ${c.what}: ${c.value} ${c.unit} (target < ${c.target} ${c.unit})`),
  `  ${leftovers.length === 0 ? 'met   ' : 'MISSED'} no process left behind`,
];
process.stdout.write(`${lines.join('\n')}\n`);

await mkdir(dirname(settings.resultsPath), { recursive: true });
await writeFile(
  settings.resultsPath,
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, commands: { bot: scripts.start, worker: scripts.worker }, extraNodeFlags: values['node-flags'], burst, runs, settleMs, idle, afterBurst, acked, verdicts: verdicts.value, burstSeconds, cli, targets: TARGETS, leftovers }, null, 2)}\n`,
);
process.stderr.write(`wrote ${settings.resultsPath}\n`);
const missed = checks.some((c) => !(c.value < c.target)) || leftovers.length > 0 || verdicts.value < burst;
process.exit(missed ? 1 : 0);
