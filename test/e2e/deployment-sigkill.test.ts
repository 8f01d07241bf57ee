import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, privateDatabase } from '../support/private-database.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import { jobIds } from '../../src/queue/names.ts';
import { ids } from '../../src/slack/ids.ts';
import { entryProcesses, exited, type EntryProcess } from '../support/processes.ts';
import { closedPortUrl, startTestStack, until, type TestStack } from '../support/test-stack.ts';

const DEPLOYER = 'U0DEPLOYER';
const SECRET = 'a-shared-secret-of-enough-length';
/** Short, so the phase of a killed worker is handed to the next one within a couple of seconds. */
const DEPLOYMENT_LOCK_MS = 1500;

const workers = entryProcesses();
let stack: TestStack;
let receiver: DeployReceiver;
let configPath: string;
let databaseUrl: string;
/** The worker a test leaves running, for the next test to use (and kill). */
let survivor: EntryProcess | undefined;

/**
 * `npm run worker` as its own OS process, against the stack's queues, database and Slack stand-in. Through Node's
 * loader, not the tsx CLI, so the SIGKILL hits the worker itself.
 */
function startWorkerProcess(adminPort = '0'): EntryProcess {
  const { settings } = stack.runtime;
  const env = {
    SLACK_BOT_TOKEN: settings.slackBotToken,
    SLACK_API_URL: settings.slackApiUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: settings.redisUrl,
    QUEUE_PREFIX: settings.queuePrefix,
    READINESS_CONFIG: configPath,
    DEPLOYMENT_LOCK_MS: String(DEPLOYMENT_LOCK_MS),
    LOG_LEVEL: 'error',
    // A free port each: two workers run side by side here, and other tests on this machine start more.
    ADMIN_PORT: adminPort,
  };
  return workers.start('worker.ts', env);
}

/** Until a worker of the process listens on the deployments queue (its start-up is not part of the test). */
const deploymentWorkers = () => stack.runtime.queues.queues.deployments.getWorkersCount();

/** Where a deployment that never finished got stuck: its row, its tasks and its phase jobs. */
async function diagnostics(deploymentId: string): Promise<string> {
  const row = await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id: deploymentId }, include: { tasks: true } });
  const jobs = await stack.runtime.queues.queues.deployments.getJobs(['active', 'waiting', 'delayed', 'failed', 'completed', 'prioritized']);
  const mine = await Promise.all(
    jobs
      .filter((job) => job.id?.includes(deploymentId))
      .map(async (job) => ({
        id: job.id,
        state: await job.getState(),
        attemptsMade: job.attemptsMade,
        failedReason: job.failedReason,
        returnvalue: job.returnvalue as unknown,
      })),
  );
  return JSON.stringify({
    status: row.status,
    currentPhase: row.currentPhase,
    generation: row.generation,
    tasks: row.tasks.map((task) => [task.taskId, task.status, task.attempts]),
    jobs: mine,
    calls: receiver.calls.map((call) => [call.path, call.executed]),
  });
}

beforeAll(async () => {
  // A database of its own: a worker process sweeps every open incident of its database on start, and must not
  // deliver another test file's incidents into this test's Slack stand-in.
  databaseUrl = await privateDatabase('sigkill');
  receiver = await DeployReceiver.start({ secret: SECRET });
  let document: unknown;
  stack = await startTestStack({
    databaseUrl,
    withWorkers: false,
    configFor: (baseUrl) => {
      document = {
        roles: { deployers: { users: [DEPLOYER] } },
        services: {
          shop: {
            environments: {
              prod: { vars: { baseUrl, deployUrl: `${receiver.url}/prod` }, deploy: { deployerRole: 'deployers', webhookSecret: SECRET } },
              paused: { vars: { baseUrl, deployUrl: `${receiver.url}/paused` }, deploy: { deployerRole: 'deployers', webhookSecret: SECRET } },
            },
            checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
          },
        },
      };
      return parseReadinessConfig(document, 'sigkill test config');
    },
    standIn: { users: { [DEPLOYER]: { name: 'deployer' } } },
  });
  // The worker process reads the same config from a file: JSON is YAML.
  configPath = join(await mkdtemp(join(tmpdir(), 'readiness-sigkill-')), 'readiness.yaml');
  await writeFile(configPath, JSON.stringify(document));
});

afterAll(async () => {
  await workers.killAll();
  await stack?.closeAll();
  await receiver?.close();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

describe('a worker killed with SIGKILL in the middle of a deployment', () => {
  it('loses nothing: another worker finishes the deployment and every side effect happens exactly once', async () => {
    const first = startWorkerProcess();
    await until(async () => (await deploymentWorkers()) > 0, 20_000);

    const assessed = await stack.run('run shop prod', { userId: DEPLOYER });
    const { assessment } = await stack.finished(assessed.triggerId);
    expect(assessment.verdict).toBe('GO');

    // The deploy call hangs until the worker making it is gone.
    receiver.behave('/prod/deploy', { delayMs: 30_000 });
    const planned = await stack.run('deploy shop prod v7', { userId: DEPLOYER });
    const deployment = await until(() =>
      stack.runtime.db.deployment.findFirst({ where: { requestKey: planned.triggerId, messageTs: { not: null } } }),
    );
    await stack.standIn.clickButton(stack.eventsUrl, {
      channel: stack.channelId,
      ts: deployment.messageTs ?? '',
      actionId: ids.actions.deployStart,
      userId: DEPLOYER,
    });

    await until(async () => receiver.calls.some((call) => call.path === '/prod/deploy'));
    const inFlight = await stack.runtime.db.deploymentTask.findFirstOrThrow({ where: { deploymentId: deployment.id, taskId: 'deploy' } });
    expect(inFlight).toMatchObject({ status: 'RUNNING', attempts: 1 });
    first.kill('SIGKILL');
    expect(await exited(first)).toBe('SIGKILL');

    receiver.behave('/prod/deploy', {});
    const secondAdminPort = new URL(await closedPortUrl()).port;
    const second = startWorkerProcess(secondAdminPort);
    survivor = second;
    const finished = await until(async () => {
      const row = await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id: deployment.id } });
      return ['SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'ROLLBACK_FAILED'].includes(row.status) ? row : undefined;
    }, 30_000).catch(async (error: unknown) => {
      throw new Error(
        `${(error as Error).message}\n${await diagnostics(deployment.id)}\nfirst worker:\n${first.output()}\nsecond worker:\n${second.output()}`,
      );
    });
    expect(finished.status, second.output()).toBe('SUCCEEDED');

    // Each task's side effect was applied once; the deploy call was repeated with the same key and not re-applied.
    expect([...receiver.executions().values()]).toEqual([1, 1, 1, 1]);
    expect(receiver.executedPaths()).toEqual(['/prod/prepare', '/prod/deploy', '/prod/verify', '/prod/finalize']);
    const deployCalls = receiver.calls.filter((call) => call.path === '/prod/deploy');
    expect(deployCalls.map((call) => call.executed)).toEqual([true, false]);
    expect(deployCalls[1]?.idempotencyKey).toBe(deployCalls[0]?.idempotencyKey);
    expect(receiver.calls.every((call) => call.signatureValid === true)).toBe(true);

    const tasks = await stack.runtime.db.deploymentTask.findMany({ where: { deploymentId: deployment.id }, orderBy: { phaseIndex: 'asc' } });
    expect(tasks.map((task) => [task.taskId, task.status, task.attempts])).toEqual([
      ['prepare', 'SUCCEEDED', 1],
      ['deploy', 'SUCCEEDED', 2],
      ['verify', 'SUCCEEDED', 1],
      ['finalize', 'SUCCEEDED', 1],
    ]);
    const audit = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: deployment.id }, orderBy: { at: 'asc' } });
    expect(audit.map((event) => event.action)).toEqual(['deployment.planned', 'deployment.started', 'deployment.succeeded']);
    expect(await stack.runtime.db.deploymentLock.count()).toBe(0);
    await stack.standIn.waitFor(() =>
      JSON.stringify(stack.standIn.message(stack.channelId, deployment.messageTs ?? '')?.blocks ?? []).includes('*Deployed*'),
    );
    // The worker that took the phase over says so on its /metrics: a stall on the deployments queue.
    const metrics = await (await fetch(`http://127.0.0.1:${secondAdminPort}/metrics`)).text();
    expect(metrics).toMatch(/^readiness_job_stalls_total\{queue="deployments"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^readiness_job_duration_seconds_count\{queue="deployments",outcome="completed"\} [1-9]\d*$/m);
  }, 90_000);

  it('killed while paused mid-task, then resumed: the pause is cancelled, BullMQ retries the same job and it finishes the phase once', async () => {
    // The worker left by the test before, or a new one: either way the only one, so the one that gets killed.
    const first = survivor ?? startWorkerProcess();
    await until(async () => (await deploymentWorkers()) > 0, 20_000);
    const assessed = await stack.run('run shop paused', { userId: DEPLOYER });
    expect((await stack.finished(assessed.triggerId)).assessment.verdict).toBe('GO');

    receiver.behave('/paused/deploy', { delayMs: 30_000 });
    const planned = await stack.run('deploy shop paused', { userId: DEPLOYER });
    const deployment = await until(() =>
      stack.runtime.db.deployment.findFirst({ where: { requestKey: planned.triggerId, messageTs: { not: null } } }),
    );
    const messageTs = deployment.messageTs ?? '';
    const shows = (actionId: string) =>
      stack.standIn.waitFor(() => JSON.stringify(stack.standIn.message(stack.channelId, messageTs)?.blocks ?? []).includes(actionId) || undefined);
    const click = (actionId: string) =>
      stack.standIn.clickButton(stack.eventsUrl, { channel: stack.channelId, ts: messageTs, actionId, userId: DEPLOYER });
    const row = () => stack.runtime.db.deployment.findUniqueOrThrow({ where: { id: deployment.id } });
    await click(ids.actions.deployStart);
    await until(async () => receiver.calls.some((call) => call.path === '/paused/deploy'));
    await shows(ids.actions.deployPause);
    await click(ids.actions.deployPause);
    await until(async () => (await row()).status === 'PAUSED');
    // Messages are rendered by workers: let this one show Resume before it dies.
    await shows(ids.actions.deployResume);
    first.kill('SIGKILL');
    expect(await exited(first)).toBe('SIGKILL');

    // The deploy task is still RUNNING (its worker died in it): Resume cancels the pause and adds no job.
    await click(ids.actions.deployResume);
    await until(async () => (await row()).status === 'RUNNING');
    expect(await row()).toMatchObject({ currentPhase: 1, generation: 1 });

    receiver.behave('/paused/deploy', {});
    const second = startWorkerProcess();
    const finished = await until(async () => {
      const current = await row();
      return ['SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'ROLLBACK_FAILED'].includes(current.status) ? current : undefined;
    }, 30_000).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}\n${await diagnostics(deployment.id)}\nsecond worker:\n${second.output()}`);
    });
    expect(finished).toMatchObject({ status: 'SUCCEEDED', generation: 1 });
    const paths = receiver.calls.filter((call) => call.path.startsWith('/paused/'));
    expect(paths.filter((call) => call.executed).map((call) => call.path)).toEqual([
      '/paused/prepare',
      '/paused/deploy',
      '/paused/verify',
      '/paused/finalize',
    ]);
    // The retry repeated the interrupted call with its key; nothing else was called twice.
    expect(paths.map((call) => call.path)).toEqual(['/paused/prepare', '/paused/deploy', '/paused/deploy', '/paused/verify', '/paused/finalize']);
    expect(await stack.runtime.queues.queues.deployments.getJob(jobIds.deploymentPhase(deployment.id, 1, 2))).toBeUndefined();
  }, 90_000);
});
