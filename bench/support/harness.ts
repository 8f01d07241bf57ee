import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LocalStack } from '../../tools/demo/local-stack.ts';
import { prepareDatabase, requireRedis } from '../../tools/demo/local-services.ts';
import { createLogger, type Logger, type LogLevel } from '../../src/shared/logger.ts';
import { projectRoot } from '../../src/shared/paths.ts';
// Called only at run time, so the import cycle (production-process uses pollUntil) is harmless.
import { productionArgs } from './production-process.ts';

/** Where a benchmark runs and writes: its own database by default, so it never touches the demo's. */
export function benchSettings(name: string) {
  return {
    databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/readiness_bench',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    resultsPath: join(projectRoot, 'bench', 'results', `${name}.json`),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A benchmark that cannot run (a missing service, a bad flag) exits 2, apart from a missed target's 1. */
export function failBench(name: string, message: string): never {
  process.stderr.write(`bench ${name} could not run: ${message}\n`);
  process.exit(2);
}

/** Calls `probe` until `done(value)` or the deadline; returns the last value and whether it got there. */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  deadline: number,
  intervalMs = 100,
): Promise<{ value: T; reached: boolean }> {
  for (;;) {
    const value = await probe();
    if (done(value)) return { value, reached: true };
    if (Date.now() >= deadline) return { value, reached: false };
    await sleep(intervalMs);
  }
}

export const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

/** `npm run worker` against the stack's queues and the Slack stand-in, as a separate OS process (as deployed). */
export function spawnWorkerProcess(
  local: LocalStack,
  options: {
    configPath: string;
    logLevel: LogLevel;
    concurrency?: number;
    cpuProfileDir?: string | undefined;
    /**
     * Run `npm run worker`'s command (node, its flags, dist/: build first) instead of the sources through tsx, so a
     * bench measures what is deployed. @defaultValue false
     */
    compiled?: boolean;
    /** Node flags after the production ones (a compiled worker only), to try a setting. @defaultValue none */
    extraNodeFlags?: readonly string[];
  },
): ChildProcess {
  const { settings } = local.runtime;
  const entry = join(projectRoot, 'src', 'main', 'worker.ts');
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const production = productionArgs('worker');
  // Node refuses --cpu-prof in NODE_OPTIONS, so a profiled worker runs as `node --cpu-prof --import tsx` instead.
  const [command, args] = options.compiled
    ? [process.execPath, [...production.slice(0, -1), ...(options.extraNodeFlags ?? []), ...profile, ...production.slice(-1)]]
    : options.cpuProfileDir
      ? [process.execPath, [...profile, '--import', 'tsx', entry]]
      : [join(projectRoot, 'node_modules', '.bin', 'tsx'), [entry]];
  return spawn(command, args, {
    env: {
      ...process.env,
      SLACK_BOT_TOKEN: settings.slackBotToken,
      SLACK_API_URL: settings.slackApiUrl,
      DATABASE_URL: settings.databaseUrl,
      REDIS_URL: settings.redisUrl,
      QUEUE_PREFIX: settings.queuePrefix,
      READINESS_CONFIG: options.configPath,
      LOG_LEVEL: options.logLevel,
      // A free port each: several workers (and other benches) run on this one machine.
      ADMIN_PORT: '0',
      ...(options.concurrency === undefined ? {} : { WORKER_CONCURRENCY: String(options.concurrency) }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** SIGTERM, then wait: the worker finishes its running jobs before it exits. */
export async function stopWorkerProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Redis answering and the database migrated, or exit 2 saying how to start them; returns what was done. */
export async function prepareServices(name: string, settings: { databaseUrl: string; redisUrl: string }): Promise<string> {
  try {
    await requireRedis(settings.redisUrl);
    return await prepareDatabase(settings.databaseUrl);
  } catch (error) {
    return failBench(name, (error as Error).message);
  }
}

/** The bot's logger for a run, counting error lines so a run with errors can say so. */
export function countingLogger(level: LogLevel): { logger: Logger; logLines: { errors: number } } {
  const logLines = { errors: 0 };
  const logger = createLogger(level, (line) => {
    if (line.startsWith('{"level":"error"')) logLines.errors += 1;
    process.stderr.write(`${line}\n`);
  });
  return { logger, logLines };
}
