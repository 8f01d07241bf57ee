import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, privateDatabase } from '../support/private-database.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { CheckEndpoint } from '../../tools/demo/check-endpoint.ts';
import { jobIds } from '../../src/queue/names.ts';
import { entryProcesses, exited, type EntryProcess } from '../support/processes.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

// Guarantees 2 and 6 of docs/reliability.md on real worker processes: a worker killed with SIGKILL mid-check, a
// check that runs longer than the job lock, and SIGTERM with a job running. Times are measured by
// `npm run chaos -- worker-kill`, not asserted here.

const workers = entryProcesses();
let stack: TestStack;
let endpoint: CheckEndpoint;
let configPath: string;
let databaseUrl: string;
/** The worker the SIGKILL test leaves running, for the next test (a worker process takes seconds to start). */
let survivor: EntryProcess | undefined;

/** `npm run worker` as its own OS process (Node's loader, not the tsx CLI, so signals reach the worker itself). */
function startWorker(): EntryProcess {
  const { settings } = stack.runtime;
  return workers.start('worker.ts', {
    SLACK_BOT_TOKEN: settings.slackBotToken,
    SLACK_API_URL: settings.slackApiUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: settings.redisUrl,
    QUEUE_PREFIX: settings.queuePrefix,
    READINESS_CONFIG: configPath,
    WORKER_CONCURRENCY: '10',
    // Info, for the "shutting down" line a SIGTERM test waits on.
    LOG_LEVEL: 'info',
  });
}

const checkWorkerCount = () => stack.runtime.queues.queues.checks.getWorkersCount();

/** Starts one more worker process and waits until it listens on the checks queue. */
async function anotherWorker(): Promise<EntryProcess> {
  const before = await checkWorkerCount();
  const worker = startWorker();
  await until(async () => (await checkWorkerCount()) > before, 30_000);
  return worker;
}

/** Which of `processes` holds the job (BullMQ keeps the worker's name, `<host>:<pid>`, on the job). */
async function holderOf(jobId: string, processes: EntryProcess[]): Promise<EntryProcess | undefined> {
  const job = await stack.runtime.queues.queues.checks.getJob(jobId);
  return processes.find((child) => job?.processedBy?.endsWith(`:${child.pid}`));
}

/** SIGTERM, so a test leaves no lock behind for the next one to find. */
async function stopGracefully(processes: EntryProcess[]): Promise<void> {
  for (const child of processes) child.kill('SIGTERM');
  expect(await Promise.all(processes.map(exited))).toEqual(processes.map(() => 0));
}

async function runAssessment(environment: string): Promise<string> {
  const started = await stack.run(`run shop ${environment}`);
  const row = await until(() => stack.runtime.db.assessment.findUnique({ where: { requestKey: started.triggerId } }));
  return row.id;
}

const completed = (assessmentId: string, timeoutMs = 60_000) =>
  until(async () => {
    const row = await stack.runtime.db.assessment.findUniqueOrThrow({ where: { id: assessmentId }, include: { checks: true } });
    return row.status === 'COMPLETED' ? row : undefined;
  }, timeoutMs);

/** Job locks and active check jobs left in Redis under this stack's prefix. */
async function lockedOrActive(): Promise<{ locks: string[]; active: number }> {
  const { producer, settings } = stack.runtime;
  const locks = await producer.keys(`${settings.queuePrefix}:*:lock`);
  return { locks, active: await stack.runtime.queues.queues.checks.getActiveCount() };
}

beforeAll(async () => {
  // Its own database: worker processes run the recovery sweep over every row of theirs.
  databaseUrl = await privateDatabase('worker_stop');
  endpoint = await CheckEndpoint.start();
  let document: unknown;
  stack = await startTestStack({
    databaseUrl,
    withWorkers: false,
    configFor: () => {
      const check = (id: string, timeoutMs: number) => ({
        id,
        name: id,
        type: 'webhook',
        severity: 'critical',
        url: `${endpoint.url}/${id}`,
        timeoutMs,
      });
      document = {
        services: {
          shop: {
            environments: { kill: {}, long: {}, drain: {}, handoff: {} },
            checks: [check('slow', 60_000), check('quick', 5_000)],
          },
        },
      };
      return parseReadinessConfig(document, 'worker stop test config');
    },
  });
  configPath = join(await mkdtemp(join(tmpdir(), 'readiness-worker-stop-')), 'readiness.yaml');
  await writeFile(configPath, JSON.stringify(document));
});

afterAll(async () => {
  await workers.killAll();
  await stack?.closeAll();
  await endpoint?.close();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

describe('a worker killed with SIGKILL in the middle of a check', () => {
  it('leaves the check to the other worker: the assessment completes and the check has exactly one result', async () => {
    const pair = [await anotherWorker(), await anotherWorker()];
    endpoint.behave((call) => (call.checkId === 'slow' ? 'hold' : { afterMs: 0 }));
    const assessmentId = await runAssessment('kill');
    await until(async () => endpoint.callsFor(assessmentId, 'slow').length > 0);
    // 'quick', in the same batch job, has its result before the kill: a redelivered batch must not run it again.
    await until(async () => {
      const quick = await stack.runtime.db.checkResult.findFirst({ where: { assessmentId, checkId: 'quick' } });
      return quick?.status === 'PASS';
    });
    const victim = await until(() => holderOf(jobIds.checkBatch(assessmentId, 0), pair));
    victim.kill('SIGKILL');
    expect(await exited(victim)).toBe('SIGKILL');
    endpoint.behave(() => ({ afterMs: 0 }));
    endpoint.release();

    const assessment = await completed(assessmentId);
    expect(assessment.verdict).toBe('GO');
    const slow = assessment.checks.filter((check) => check.checkId === 'slow');
    expect(slow.map((check) => check.status)).toEqual(['PASS']);
    // Both checks are one batch job. 'slow' was probed by the killed worker, then once more by the survivor, and
    // recorded once; 'quick', recorded before the kill, is not run again when the batch is redelivered.
    expect(endpoint.callsFor(assessmentId, 'slow')).toHaveLength(2);
    expect(endpoint.callsFor(assessmentId, 'quick')).toHaveLength(1);
    expect(assessment.checks.find((check) => check.checkId === 'quick')).toMatchObject({ status: 'PASS', attempts: 1 });
    expect(await holderOf(jobIds.checkBatch(assessmentId, 0), pair)).not.toBe(victim);
    const audit = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: assessmentId } });
    expect(audit.filter((event) => event.action === 'assessment.completed')).toHaveLength(1);
    survivor = pair.find((child) => child !== victim);
  }, 120_000);

  it('keeps the lock of a check that runs longer than the lock: it runs once and is never taken for stalled', async () => {
    const worker = survivor ?? (await anotherWorker());
    // Longer than the 10 s lock: the worker renews it while the check waits for its answer.
    endpoint.behave((call) => (call.checkId === 'slow' ? { afterMs: 13_000 } : { afterMs: 0 }));
    const assessmentId = await runAssessment('long');
    const assessment = await completed(assessmentId);
    expect(assessment.verdict).toBe('GO');
    expect(endpoint.callsFor(assessmentId, 'slow')).toHaveLength(1);
    const job = await stack.runtime.queues.queues.checks.getJob(jobIds.checkBatch(assessmentId, 0));
    expect(job?.stalledCounter ?? 0).toBe(0);
    await stopGracefully([worker]);
  }, 120_000);
});

describe('a worker stopped with SIGTERM in the middle of a check', () => {
  it('finishes the check before it exits, with code 0, leaving nothing locked', async () => {
    const worker = await anotherWorker();
    endpoint.behave((call) => (call.checkId === 'slow' ? 'hold' : { afterMs: 0 }));
    const assessmentId = await runAssessment('drain');
    await until(async () => endpoint.callsFor(assessmentId, 'slow').length > 0);
    worker.kill('SIGTERM');
    await until(async () => worker.output().includes('shutting down'));
    endpoint.behave(() => ({ afterMs: 0 }));
    endpoint.release();
    expect(await exited(worker), worker.output()).toBe(0);

    expect(await lockedOrActive()).toEqual({ locks: [], active: 0 });
    const slow = await stack.runtime.db.checkResult.findFirstOrThrow({ where: { assessmentId, checkId: 'slow' } });
    expect(slow).toMatchObject({ status: 'PASS', attempts: 1 });
    // The batch that recorded the last result gave the verdict; what follows it (the parent job) is left to the next worker.
    const next = await anotherWorker();
    expect((await completed(assessmentId)).verdict).toBe('GO');
    expect(endpoint.callsFor(assessmentId, 'slow')).toHaveLength(1);
    await stopGracefully([next]);
  }, 120_000);

  it('hands a check still running after the grace period back to the queue, exits 0, and another worker runs it', async () => {
    const worker = await anotherWorker();
    endpoint.behave((call) => (call.checkId === 'slow' ? 'hold' : { afterMs: 0 }));
    const assessmentId = await runAssessment('handoff');
    await until(async () => endpoint.callsFor(assessmentId, 'slow').length > 0);
    worker.kill('SIGTERM');
    expect(await exited(worker), worker.output()).toBe(0);
    expect(worker.output()).toContain('handed them to other workers');

    expect(await lockedOrActive()).toEqual({ locks: [], active: 0 });
    expect(await stack.runtime.queues.queues.checks.getJobState(jobIds.checkBatch(assessmentId, 0))).toBe('waiting');
    endpoint.behave(() => ({ afterMs: 0 }));
    endpoint.release();
    const next = await anotherWorker();
    const assessment = await completed(assessmentId);
    expect(assessment.verdict).toBe('GO');
    expect(assessment.checks.filter((check) => check.checkId === 'slow').map((check) => check.status)).toEqual(['PASS']);
    expect(endpoint.callsFor(assessmentId, 'slow')).toHaveLength(2);
    await stopGracefully([next]);
  }, 120_000);
});
