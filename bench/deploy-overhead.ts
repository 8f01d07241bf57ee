import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseReadinessConfig } from '../src/config/readiness-config.ts';
import type { DeploymentPlan } from '../src/deployments/plan.ts';
import { dependencyOrder } from '../src/deployments/plan.ts';
import { DeployReceiver } from '../tools/demo/deploy-receiver.ts';
import { startExampleService, type ExampleService } from '../tools/demo/example-service.ts';
import { startLocalStack, type LocalStack } from '../tools/demo/local-stack.ts';
import type { LogLevel } from '../src/shared/logger.ts';
import { projectRoot } from '../src/shared/paths.ts';
import { ids } from '../src/slack/ids.ts';
import { redactUrl } from '../src/store/migrations.ts';
import { benchSettings, countingLogger, failBench, pollUntil, prepareServices } from './support/harness.ts';
import { round } from './support/stats.ts';

/**
 * `npm run bench:deploy [-- --runs N]`: a plan of 4 phases × 20 no-op webhook tasks (the size), deployed
 * through the whole bot (stand-in → Bolt over HTTP → Postgres + BullMQ workers → webhook receiver). Prints the
 * deployment's total time, the sum of its critical path's task times, and the difference: what the bot itself adds.
 */

const NAME = 'deploy-overhead';
const TARGET_OVERHEAD_MS = 300;
const SERVICE = 'bench-api';
const ENVIRONMENT = 'bench';
const USER = 'U0BENCHDEPLOY';
const PHASES = 4;
const TASKS_PER_PHASE = 20;
const RUN_TIMEOUT_MS = 60_000;
const EXIT_WATCHDOG_MS = 15_000;

const { databaseUrl, redisUrl, resultsPath } = benchSettings(NAME);
const print = (text = '') => process.stdout.write(`${text}\n`);
const fail = (message: string): never => failBench(NAME, message);

function readOptions(): { runs: number; logLevel: LogLevel } {
  const { values } = parseArgs({ options: { runs: { type: 'string', short: 'n' }, 'log-level': { type: 'string' } }, allowPositionals: false });
  const runs = values.runs === undefined ? 5 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, got ${values.runs}`);
  const logLevel = (values['log-level'] ?? 'error') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) fail(`--log-level must be debug|info|warn|error, got ${logLevel}`);
  return { runs, logLevel };
}

/**
 * TASKS_PER_PHASE webhook tasks a phase; the last waits for the first, so the critical path follows an `after`
 * chain rather than being just the slowest task of each phase.
 */
function benchTemplate() {
  return {
    description: `${PHASES} phases of ${TASKS_PER_PHASE} no-op webhook tasks`,
    phases: Array.from({ length: PHASES }, (_, phase) => ({
      id: `phase-${phase + 1}`,
      tasks: Array.from({ length: TASKS_PER_PHASE }, (_, index) => {
        const id = `p${phase + 1}-t${index + 1}`;
        return { id, type: 'webhook', url: `{{deployUrl}}/${id}`, after: index === TASKS_PER_PHASE - 1 ? [`p${phase + 1}-t1`] : [] };
      }),
    })),
    rollback: { tasks: [{ id: 'rollback', type: 'webhook', url: '{{deployUrl}}/rollback' }] },
  };
}

interface TaskTiming {
  taskId: string;
  phaseIndex: number;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const ms = (task: TaskTiming) => (task.startedAt && task.finishedAt ? task.finishedAt.getTime() - task.startedAt.getTime() : 0);

/** Per phase, the longest chain of measured task times through the `after` dependencies. */
function criticalPath(plan: DeploymentPlan, tasks: readonly TaskTiming[]): { perPhaseMs: number[]; totalMs: number } {
  const perPhaseMs = plan.phases.map((phase, phaseIndex) => {
    const order = dependencyOrder(phase.tasks);
    if (!order.ok) return 0;
    const finish = new Map<string, number>();
    for (const id of order.layers.flat()) {
      const planned = phase.tasks.find((task) => task.id === id);
      const row = tasks.find((task) => task.phaseIndex === phaseIndex && task.taskId === id);
      const before = Math.max(0, ...(planned?.after ?? []).map((dependency) => finish.get(dependency) ?? 0));
      finish.set(id, before + (row ? ms(row) : 0));
    }
    return Math.max(0, ...finish.values());
  });
  return { perPhaseMs, totalMs: perPhaseMs.reduce((sum, value) => sum + value, 0) };
}

/** Where the time between tasks went: from the start (or the previous phase's last task) to each phase's first task. */
function phaseGaps(startedAt: Date, finishedAt: Date, tasks: readonly TaskTiming[]): { beforePhaseMs: number[]; afterLastMs: number } {
  let previousEnd = startedAt.getTime();
  const beforePhaseMs: number[] = [];
  for (let phase = 0; phase < PHASES; phase += 1) {
    const inPhase = tasks.filter((task) => task.phaseIndex === phase);
    const firstStart = Math.min(...inPhase.map((task) => task.startedAt?.getTime() ?? Number.POSITIVE_INFINITY));
    beforePhaseMs.push(firstStart - previousEnd);
    previousEnd = Math.max(...inPhase.map((task) => task.finishedAt?.getTime() ?? 0));
  }
  return { beforePhaseMs, afterLastMs: finishedAt.getTime() - previousEnd };
}

async function assessOnce(stack: LocalStack): Promise<void> {
  const triggerId = `bench.assess.${randomBytes(4).toString('hex')}`;
  await stack.standIn.sendSlashCommand(stack.eventsUrl, {
    text: `run ${SERVICE} ${ENVIRONMENT}`,
    userId: USER,
    channelId: stack.channelId,
    triggerId,
  });
  const done = await pollUntil(
    () => stack.runtime.db.assessment.findUnique({ where: { requestKey: triggerId } }),
    (row) => row?.status === 'COMPLETED' || row?.status === 'FAILED',
    Date.now() + RUN_TIMEOUT_MS,
    50,
  );
  if (done.value?.verdict !== 'GO')
    fail(`the assessment that should allow the deployment ended ${done.value?.status ?? 'nowhere'} with ${done.value?.verdict ?? 'no verdict'}`);
}

async function deployOnce(stack: LocalStack, receiver: DeployReceiver, run: number) {
  const { standIn, runtime, eventsUrl, channelId } = stack;
  const db = runtime.db;
  const triggerId = `bench.deploy.${randomBytes(4).toString('hex')}.${run}`;
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  await standIn.sendSlashCommand(eventsUrl, { text: `deploy ${SERVICE} ${ENVIRONMENT}`, userId: USER, channelId, triggerId });
  const planned = await pollUntil(
    () => db.deployment.findUnique({ where: { requestKey: triggerId } }),
    (row) => Boolean(row?.messageTs),
    deadline,
    20,
  );
  const messageTs = planned.value?.messageTs;
  if (!planned.value || !messageTs)
    return fail(
      `run ${run}: no plan was posted (answers: ${standIn.responses
        .map((response) => String(response.body.text))
        .slice(-3)
        .join(' | ')})`,
    );
  const deploymentId = planned.value.id;
  const callsBefore = receiver.calls.length;

  const clickedAt = Date.now();
  await standIn.clickButton(eventsUrl, { channel: channelId, ts: messageTs, actionId: ids.actions.deployStart, userId: USER });
  const finished = await pollUntil(
    () => db.deployment.findUniqueOrThrow({ where: { id: deploymentId } }),
    (row) => !['PLANNED', 'RUNNING', 'PAUSED'].includes(row.status),
    deadline,
    10,
  );
  const observedMs = Date.now() - clickedAt;
  const row = finished.value;
  const tasks = await db.deploymentTask.findMany({
    where: { deploymentId, stage: 'deploy' },
    select: { taskId: true, phaseIndex: true, startedAt: true, finishedAt: true, status: true, attempts: true },
  });
  // The message's last render comes up to a second after the end: wait for it before counting updates.
  await pollUntil(
    async () => standIn.message(channelId, messageTs)?.text ?? '',
    (text) => text.endsWith(row.status.toLowerCase().replaceAll('_', ' ')),
    Date.now() + 5000,
    50,
  );
  const updates = standIn.callsTo('chat.update').filter((call) => call.args.ts === messageTs);
  const updateSpanMs = Math.max(0, ...updates.map((call) => call.at - clickedAt));

  if (!row.startedAt || !row.finishedAt || row.status !== 'SUCCEEDED') {
    return {
      run,
      deploymentId,
      status: row.status,
      failureReason: row.failureReason,
      totalMs: Number.NaN,
      criticalPathMs: Number.NaN,
      overheadMs: Number.NaN,
      observedMs,
      perPhaseMs: [],
      gaps: undefined,
      tasksSucceeded: tasks.filter((task) => task.status === 'SUCCEEDED').length,
      webhookCalls: receiver.calls.length - callsBefore,
      chatUpdates: updates.length,
      updateSpanMs,
    };
  }
  const totalMs = row.finishedAt.getTime() - row.startedAt.getTime();
  const critical = criticalPath(row.plan as unknown as DeploymentPlan, tasks);
  return {
    run,
    deploymentId,
    status: row.status,
    failureReason: row.failureReason,
    totalMs,
    criticalPathMs: critical.totalMs,
    overheadMs: totalMs - critical.totalMs,
    observedMs,
    perPhaseMs: critical.perPhaseMs,
    gaps: phaseGaps(row.startedAt, row.finishedAt, tasks),
    tasksSucceeded: tasks.filter((task) => task.status === 'SUCCEEDED').length,
    webhookCalls: receiver.calls.length - callsBefore,
    chatUpdates: updates.length,
    updateSpanMs,
  };
}

const { runs, logLevel } = readOptions();
const dbReport = await prepareServices(NAME, { databaseUrl, redisUrl });
const { logger, logLines } = countingLogger(logLevel);

let target: ExampleService | undefined;
let receiver: DeployReceiver | undefined;
let stack: LocalStack | undefined;
let passed = false;
try {
  target = await startExampleService();
  receiver = await DeployReceiver.start({ secret: 'bench-webhook-secret-0123456789' });
  const config = parseReadinessConfig(
    {
      deployments: { templates: { overhead: benchTemplate() } },
      services: {
        [SERVICE]: {
          environments: {
            [ENVIRONMENT]: {
              vars: { baseUrl: target.url, deployUrl: receiver.url },
              deploy: { template: 'overhead', webhookSecret: 'bench-webhook-secret-0123456789' },
            },
          },
          checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
        },
      },
    },
    'bench deploy-overhead config',
  );
  stack = await startLocalStack({ config, databaseUrl, redisUrl, logger });
  print(`bench ${NAME}: ${runs} deployment(s) of ${PHASES} phases × ${TASKS_PER_PHASE} no-op webhook tasks through the whole bot`);
  print(`  database ${redactUrl(databaseUrl)} (${dbReport}); redis ${redisUrl}; bot and workers in this process`);
  print(`  bot ${stack.eventsUrl}; webhook receiver ${receiver.url}`);
  print();

  await assessOnce(stack);
  const results = [];
  for (let run = 1; run <= runs; run += 1) results.push(await deployOnce(stack, receiver, run));

  const f = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');
  print('run  status     total     critical path  overhead   (click → seen done)  gaps before phases 1-4 / after last   chat.update');
  for (const r of results) {
    const gaps = r.gaps ? `${r.gaps.beforePhaseMs.map((gap) => Math.round(gap)).join(' / ')} / ${Math.round(r.gaps.afterLastMs)} ms` : '—';
    print(
      `${String(r.run).padStart(3)}  ${r.status.padEnd(9)}  ${f(r.totalMs).padStart(8)}  ${f(r.criticalPathMs).padStart(13)}  ${f(r.overheadMs).padStart(8)}   ${f(r.observedMs).padStart(19)}  ${gaps.padEnd(36)}  ${r.chatUpdates} in ${(r.updateSpanMs / 1000).toFixed(1)} s`,
    );
  }
  print();

  const overheads = results.map((r) => r.overheadMs);
  const worst = Math.max(...overheads);
  const checks = {
    everyRunSucceeded: results.every((r) => r.status === 'SUCCEEDED' && r.tasksSucceeded === PHASES * TASKS_PER_PHASE),
    everyWebhookCalledOnce: results.every((r) => r.webhookCalls === PHASES * TASKS_PER_PHASE),
    overheadUnderTarget: overheads.every((value) => Number.isFinite(value) && value < TARGET_OVERHEAD_MS),
    // The coalescing updater renders a message at most once per one-second window.
    atMostOneUpdatePerSecond: results.every((r) => r.chatUpdates <= Math.ceil(r.updateSpanMs / 1000) + 1),
  };
  passed = Object.values(checks).every(Boolean);
  const sorted = [...overheads].sort((a, b) => a - b);
  const summary = {
    min: round(sorted[0] ?? Number.NaN),
    median: round(sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN),
    max: round(worst),
  };
  // The first deployment after the processes started (cold: query plans, JIT) against the later ones (warm).
  const later = overheads.slice(1).sort((a, b) => a - b);
  const firstRun = { overheadMs: round(overheads[0] ?? Number.NaN), laterMedianMs: round(later[Math.floor((later.length - 1) / 2)] ?? Number.NaN) };

  const result = {
    name: NAME,
    date: new Date().toISOString(),
    runs,
    plan: { phases: PHASES, tasksPerPhase: TASKS_PER_PHASE, taskType: 'webhook', receiverDelayMs: 0 },
    target: { overheadMs: TARGET_OVERHEAD_MS },
    overheadMs: summary,
    firstRun,
    loadAverage: { oneMinute: round(loadavg()[0] ?? Number.NaN), fiveMinutes: round(loadavg()[1] ?? Number.NaN) },
    results: results.map((r) => ({ ...r, totalMs: round(r.totalMs), criticalPathMs: round(r.criticalPathMs), overheadMs: round(r.overheadMs) })),
    passed,
    checks,
    details: { errorLogLines: logLines.errors },
  };
  await mkdir(join(projectRoot, 'bench', 'results'), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(result, null, 2)}\n`);
  print(
    `overhead (total − critical path): min ${f(summary.min)}, median ${f(summary.median)}, max ${f(summary.max)}; first run ${f(firstRun.overheadMs)}, later median ${f(firstRun.laterMedianMs)}; load ${loadavg()
      .slice(0, 2)
      .map((value) => value.toFixed(1))
      .join(' / ')}; error log lines: ${logLines.errors}`,
  );
  print(`results written to ${resultsPath}`);
  if (passed) {
    print(
      `PASS: the bot adds at most ${f(worst)} to a ${PHASES}-phase, ${PHASES * TASKS_PER_PHASE}-task deployment (target < ${TARGET_OVERHEAD_MS} ms)`,
    );
  } else {
    const banner = '!'.repeat(78);
    print(banner);
    print(
      `MISS: bench ${NAME} missed its target (${Object.entries(checks)
        .filter(([, ok]) => !ok)
        .map(([key]) => key)
        .join(', ')})`,
    );
    print(`  worst overhead ${f(worst)} (target < ${TARGET_OVERHEAD_MS} ms)`);
    print(banner);
  }
} catch (error) {
  process.stderr.write(`bench ${NAME} crashed: ${(error as Error).stack ?? String(error)}\n`);
  passed = false;
} finally {
  await stack?.close().catch((error: unknown) => process.stderr.write(`closing the stack failed: ${String(error)}\n`));
  await receiver?.close();
  await target?.close();
}

process.exitCode = passed ? 0 : 1;
setTimeout(() => {
  process.stderr.write(`bench ${NAME}: still running ${EXIT_WATCHDOG_MS} ms after closing; open: ${process.getActiveResourcesInfo().join(', ')}\n`);
  process.exit(1);
}, EXIT_WATCHDOG_MS).unref();
