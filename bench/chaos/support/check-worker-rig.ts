// The rig the worker-kill and sigterm scenarios share: a database of their own, a webhook endpoint whose answers take
// as long as the scenario says, the bot in this process (no workers), worker processes started on demand (their
// unplanned exits counted as crashes), and the assessments launched through the bot as Slack would send them.
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { migrationsDir } from '../../../src/shared/paths.ts';
import { applyMigrations, ensureDatabase } from '../../../src/store/migrations.ts';
import { entryProcesses, exited, type EntryProcess } from '../../../test/support/processes.ts';
import { CheckEndpoint } from '../../../tools/demo/check-endpoint.ts';
import { startLocalStack } from '../../../tools/demo/local-stack.ts';
import { waitFor } from './private-services.ts';

export const random = (min: number, max: number) => min + Math.random() * (max - min);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
};

export const CHECKS = ['c1', 'c2', 'c3', 'c4', 'c5'];
const ENVIRONMENTS = ['e1', 'e2', 'e3', 'e4', 'e5'];
const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface CheckWorkerRigOptions {
  /** Short name for the database and the temporary directory. */
  tag: string;
  /** Names the config in its errors. */
  scenario: string;
  /** How long the endpoint takes to answer each check. */
  checkAfterMs: () => number;
  checkTimeoutMs: number;
}

export async function startCheckWorkerRig(options: CheckWorkerRigOptions) {
  const databaseUrl = `${serverUrl}/readiness_chaos_${options.tag}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl, migrationsDir);
  const endpoint = await CheckEndpoint.start(() => ({ afterMs: options.checkAfterMs() }));
  const document = {
    services: {
      shop: {
        environments: Object.fromEntries(ENVIRONMENTS.map((environment) => [environment, {}])),
        checks: CHECKS.map((id) => ({
          id,
          name: id,
          type: 'webhook',
          severity: 'critical',
          url: `${endpoint.url}/${id}`,
          timeoutMs: options.checkTimeoutMs,
        })),
      },
    },
  };
  const stack = await startLocalStack({
    config: parseReadinessConfig(document, options.scenario),
    databaseUrl,
    redisUrl,
    logger: silentLogger,
    withWorkers: false,
  });
  const configPath = join(await mkdtemp(join(tmpdir(), `readiness-chaos-${options.tag}-`)), 'readiness.yaml');
  await writeFile(configPath, JSON.stringify(document));

  const processes = entryProcesses();
  /** Workers that ended without being stopped by us: crashes. */
  let crashes = 0;
  const stoppedByUs = new Set<EntryProcess>();
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
      if (!stoppedByUs.has(worker)) {
        crashes += 1;
        process.stdout.write(`worker ${worker.pid} ended on its own (${how}):\n${worker.output().slice(-2000)}\n`);
      }
    });
    return worker;
  }

  /** The assessments, `inFlight` at a time, one every `everyMs` at most, through the bot as Slack would send them. */
  function launch(count: number, inFlight: number, everyMs: number) {
    const requested: string[] = [];
    let launching = true;
    const finished = async (triggerId: string) => {
      const row = await stack.runtime.db.assessment.findUnique({ where: { requestKey: triggerId } });
      return row?.status === 'COMPLETED' || row?.status === 'FAILED';
    };
    const done = (async () => {
      for (let i = 0; i < count; i++) {
        await waitFor(async () => (await Promise.all(requested.map(finished))).filter((over) => !over).length < inFlight, 600_000, 'a slot');
        const { triggerId } = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
          text: `run shop ${ENVIRONMENTS[i % ENVIRONMENTS.length]}`,
          userId: 'U0CHAOS',
          channelId: stack.channelId,
        });
        requested.push(triggerId);
        // Paced, so the run outlasts many stop-and-restart cycles (a restarted worker takes seconds to load).
        await sleep(everyMs);
      }
      launching = false;
    })();
    return { requested, done, launching: () => launching };
  }

  return {
    databaseUrl,
    endpoint,
    stack,
    checksQueue: stack.runtime.queues.queues.checks,
    startWorker,
    stoppedByUs,
    crashes: () => crashes,
    started: (worker: EntryProcess) => worker.output().includes('readiness workers started'),
    nameOf: (worker: EntryProcess) => `${hostname()}:${worker.pid}`,
    launch,
    /** Stops every process, the bot and the endpoint, and drops the database. */
    async close() {
      await processes.killAll();
      await stack.close();
      await endpoint.close();
      const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(new URL(databaseUrl).pathname.slice(1))} WITH (FORCE)`);
      await admin.end();
    },
  };
}
