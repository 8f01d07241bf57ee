import { randomBytes, randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, privateDatabase } from '../support/private-database.ts';
import { startRecoverySweep, strandedWorkDeps, type RecoverySweepDeps } from '../../jobs/recovery-sweep.ts';
import { lookupTarget } from '../../src/config/catalog.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { deploymentServices } from '../../src/main/deployments-wiring.ts';
import { createRedis } from '../../src/queue/connection.ts';
import { jobIds, QueueName } from '../../src/queue/names.ts';
import { createRecoveryRepository } from '../../src/store/recovery/recovery.repository.ts';
import { createQueues, type Queues } from '../../src/queue/queues.ts';
import { recoverStrandedWork } from '../../src/recovery/recover-stranded-work.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { chatPort } from '../../src/slack/chat-port.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';
import { startedDeployment } from '../support/go-assessment.ts';

const DEPLOYER = 'U0DEPLOYER';
const SECRET = 'a-shared-secret-of-enough-length';
const ENVIRONMENTS = ['prod', 'rollback', 'failed', 'completed'];

let stack: TestStack;
let receiver: DeployReceiver;
let databaseUrl: string;

beforeAll(async () => {
  // A database of its own: the sweep recovers every stranded assessment and deployment of its database, and must not
  // pick up another test file's work (their stacks share one database, each with its own queue prefix).
  databaseUrl = await privateDatabase('recovery');
  receiver = await DeployReceiver.start({ secret: SECRET });
  stack = await startTestStack({
    databaseUrl,
    withWorkers: false,
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          // `prod` is a protected environment: deploying there needs a deployer role.
          roles: { deployers: { users: [DEPLOYER] } },
          services: {
            'example-api': {
              environments: { staging: { vars: { baseUrl } } },
              checks: [
                { id: 'health', name: 'Health endpoint answers', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz', timeoutMs: 2000 },
                {
                  id: 'docs',
                  name: 'Docs are published',
                  type: 'http',
                  severity: 'low',
                  category: 'documentation',
                  url: '{{baseUrl}}/docs',
                  timeoutMs: 2000,
                },
              ],
            },
            shop: {
              environments: Object.fromEntries(
                ENVIRONMENTS.map((name) => [
                  name,
                  { vars: { baseUrl, deployUrl: `${receiver.url}/${name}` }, deploy: { webhookSecret: SECRET, deployerRole: 'deployers' } },
                ]),
              ),
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'recovery test config',
      ),
  });
});

afterAll(async () => {
  await stack?.closeAll();
  await receiver?.close();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

/** The sweep's dependencies, as the worker process wires them. */
function sweepDeps(overrides: Partial<RecoverySweepDeps> = {}): RecoverySweepDeps {
  const { runtime } = stack;
  return {
    recovery: createRecoveryRepository(runtime.db),
    queues: runtime.queues,
    assessments: runtime.assessments,
    deployments: deploymentServices(runtime, chatPort(runtime.slackForWorkers), () => new Date(), { logger: silentLogger }),
    logger: silentLogger,
    ...overrides,
  };
}
const sweepOnce = (overrides: Partial<RecoverySweepDeps> = {}) => recoverStrandedWork(strandedWorkDeps(sweepDeps(overrides)));
/** As if the grace period had passed since everything the test just did. */
const inAMinute = () => new Date(Date.now() + 60_000);

/** Work nobody touched for five minutes, so the sweep's grace period is over. */
const ageAssessment = (id: string) => stack.runtime.db.assessment.update({ where: { id }, data: { updatedAt: new Date(Date.now() - 300_000) } });
const ageDeployment = (id: string) => stack.runtime.db.deployment.update({ where: { id }, data: { updatedAt: new Date(Date.now() - 300_000) } });

const recoveries = (subjectId: string) =>
  stack.runtime.db.auditEvent.findMany({ where: { subjectId, action: { startsWith: 'recovery.' } }, orderBy: { seq: 'asc' } });

/** A deployment whose Start committed (RUNNING, the lock taken) in a process that died before enqueueing its first phase. */
async function strandedDeployment(environment: string): Promise<string> {
  return startedDeployment(stack.runtime, {
    service: 'shop',
    environment,
    deployUrl: `${receiver.url}/${environment}`,
    channelId: stack.channelId,
    requestedBy: DEPLOYER,
  });
}

const deploymentEnds = (id: string) =>
  until(async () => {
    const row = await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id } });
    return ['SUCCEEDED', 'FAILED', 'ABORTED', 'ROLLED_BACK', 'ROLLBACK_FAILED'].includes(row.status) ? row : undefined;
  }, 25_000);

describe('the recovery sweep', () => {
  it('queues the flow of an assessment left QUEUED without one; a second sweep adds nothing, and the assessment completes', async () => {
    const { runtime } = stack;
    const target = lookupTarget(runtime.settings.config, 'example-api', 'staging');
    if (!target.ok) throw new Error(target.reason);
    // The bot died between recording the assessment and enqueueing its flow.
    const { assessment } = await runtime.assessments.create(
      {
        requestKey: `trigger-${randomUUID()}`,
        service: 'example-api',
        environment: 'staging',
        requestedBy: USER,
        teamId: null,
        channelId: stack.channelId,
      },
      { checks: target.checks, skipped: [], attestations: new Map(), thresholds: target.thresholds },
    );
    const parent = () => runtime.queues.queues.assessments.getJob(jobIds.assessment(assessment.id));

    // Within the grace period its enqueue may still be on its way: left alone.
    expect(await sweepOnce()).toMatchObject({ requeued: 0 });
    expect(await parent()).toBeUndefined();

    await ageAssessment(assessment.id);
    expect(await sweepOnce()).toMatchObject({ inspected: 1, requeued: 1, errors: 0 });
    expect(await (await parent())?.getState()).toBe('waiting-children');
    const queued = async () => (await runtime.queues.queues.checks.getJobs(['waiting'])).map((job) => job.id).sort();
    // Both checks in one batch job.
    expect(await queued()).toEqual([jobIds.checkBatch(assessment.id, 0)]);

    expect(await sweepOnce()).toMatchObject({ inspected: 1, requeued: 0, rerun: 0, gaveUp: 0 });
    expect(await queued()).toHaveLength(1);
    const audit = await recoveries(assessment.id);
    expect(audit).toMatchObject([
      {
        actor: 'system',
        action: 'recovery.requeued',
        subjectType: 'assessment',
        data: { jobId: jobIds.assessment(assessment.id), jobState: 'unknown' },
      },
    ]);

    await stack.startWorkers();
    const done = await until(async () => {
      const view = await runtime.assessments.find(assessment.id);
      return view?.status === 'COMPLETED' ? view : undefined;
    });
    expect(done.verdict).toBe('GO');
    expect(done.checks.map((check) => [check.checkId, check.status])).toEqual([
      ['docs', 'PASS'],
      ['health', 'PASS'],
    ]);
    expect(await sweepOnce()).toMatchObject({ inspected: 0 });
    expect(await runtime.db.auditEvent.count({ where: { subjectId: assessment.id, action: 'assessment.completed' } })).toBe(1);
  });

  it('a RUNNING deployment whose first phase was never enqueued gets it from the sweep and finishes, each side effect once', async () => {
    const id = await strandedDeployment('prod');
    await ageDeployment(id);
    // Sweeping every 100 ms while the deployment runs: only the missing job is ever added.
    const sweep = startRecoverySweep(sweepDeps({ intervalMs: 100 }));
    try {
      const finished = await deploymentEnds(id);
      expect(finished.status).toBe('SUCCEEDED');
    } finally {
      await sweep.stop();
    }
    expect(receiver.executedPaths().filter((path) => path.startsWith('/prod/'))).toEqual([
      '/prod/prepare',
      '/prod/deploy',
      '/prod/verify',
      '/prod/finalize',
    ]);
    expect(receiver.calls.filter((call) => call.path.startsWith('/prod/'))).toHaveLength(4);
    expect(await stack.runtime.db.deploymentLock.count({ where: { service: 'shop', environment: 'prod' } })).toBe(0);
    const audit = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: id }, orderBy: { seq: 'asc' } });
    expect(audit.map((event) => [event.action, event.actor])).toEqual([
      ['deployment.planned', DEPLOYER],
      ['deployment.started', DEPLOYER],
      ['recovery.requeued', 'system'],
      ['deployment.succeeded', 'system'],
    ]);
    expect(audit[2]?.data).toMatchObject({ jobId: jobIds.deploymentPhase(id, 0, 1), phaseIndex: 0, generation: 1 });
  });

  it('a deployment left ROLLING_BACK without its rollback job is rolled back after the sweep', async () => {
    const id = await strandedDeployment('rollback');
    // The rollback's transition committed; its enqueue did not happen.
    const rolling = await stack.runtime.deployments.startRollback(id, { by: DEPLOYER, reason: 'the canary looked wrong', at: new Date() });
    expect(rolling.applied).toBe(true);
    await ageDeployment(id);
    expect(await sweepOnce()).toMatchObject({ requeued: 1, errors: 0 });
    // The overrun alarm is armed too, still due about maxDuration after the rollback started.
    const alarm = await stack.runtime.queues.queues.deployments.getJob(jobIds.rollbackDeadline(id));
    expect(alarm?.delay).toBeGreaterThan(590_000);

    const finished = await deploymentEnds(id);
    expect(finished.status).toBe('ROLLED_BACK');
    expect(receiver.executedPaths().filter((path) => path.startsWith('/rollback/'))).toEqual(['/rollback/rollback']);
    expect(await stack.runtime.db.deploymentLock.count({ where: { service: 'shop', environment: 'rollback' } })).toBe(0);
    expect(await recoveries(id)).toMatchObject([{ actor: 'system', action: 'recovery.requeued', data: { jobId: jobIds.rollback(id) } }]);
  });
});

describe('jobs that finished without moving their work on', () => {
  // A queue prefix of their own, so the stack's workers never take these jobs: the test decides how they end.
  const prefix = `rc${randomBytes(4).toString('hex')}`;
  let queues: Queues;
  let connection: ReturnType<typeof createRedis>;
  beforeAll(() => {
    queues = createQueues(stack.runtime.producer, prefix, silentLogger);
    connection = createRedis(stack.runtime.settings.redisUrl, 'worker', silentLogger);
  });
  afterAll(async () => {
    await Promise.all(Object.values(queues.queues).map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
    await queues.close();
    connection.disconnect();
  });

  /** Runs the deployment's phase job once with `processor`, as a worker that then died (no give-up handler ran). */
  async function processPhaseJob(id: string, processor: () => Promise<unknown>): Promise<void> {
    await queues.deploymentScheduler.enqueuePhase(id, 0, 1);
    const worker = new Worker(QueueName.deployments, processor, { connection, prefix });
    try {
      await until(async () => ['completed', 'failed'].includes(await queues.queues.deployments.getJobState(jobIds.deploymentPhase(id, 0, 1))));
    } finally {
      await worker.close();
    }
  }

  it('a phase job that failed for good, with nobody left to end its deployment: the sweep ends it FAILED and frees the environment', async () => {
    const id = await strandedDeployment('failed');
    await processPhaseJob(id, async () => {
      throw new UnrecoverableError('the worker ran out of memory');
    });
    // Within the grace period its own worker might still be ending it: left alone.
    expect(await sweepOnce({ queues })).toMatchObject({ gaveUp: 0 });
    expect(await sweepOnce({ queues, now: inAMinute })).toMatchObject({ gaveUp: 1, errors: 0 });
    const row = await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('FAILED');
    expect(row.failureReason).toBe('the phase job failed for good: the worker ran out of memory');
    expect(await stack.runtime.db.deploymentLock.count({ where: { service: 'shop', environment: 'failed' } })).toBe(0);
    expect(await recoveries(id)).toMatchObject([{ actor: 'system', action: 'recovery.gave_up', data: { jobState: 'failed' } }]);
    expect(await sweepOnce({ queues, now: inAMinute })).toMatchObject({ gaveUp: 0 });
    // No webhook ran: the phase never did.
    expect(receiver.calls.filter((call) => call.path.startsWith('/failed/'))).toHaveLength(0);
  });

  it('a phase job that completed while its deployment stayed at that phase is run again, once', async () => {
    const id = await strandedDeployment('completed');
    await processPhaseJob(id, async () => 'lost its way');
    const job = () => queues.queues.deployments.getJob(jobIds.deploymentPhase(id, 0, 1));
    expect(await sweepOnce({ queues, now: inAMinute })).toMatchObject({ rerun: 1, errors: 0 });
    expect(await (await job())?.getState()).toBe('waiting');
    expect(await sweepOnce({ queues, now: inAMinute })).toMatchObject({ rerun: 0 });

    // It completes again without moving on: a second re-run would not help, so none happens.
    const worker = new Worker(QueueName.deployments, async () => 'lost its way again', { connection, prefix });
    try {
      await until(async () => (await (await job())?.getState()) === 'completed');
    } finally {
      await worker.close();
    }
    expect(await sweepOnce({ queues, now: inAMinute })).toMatchObject({ rerun: 0, errors: 0 });
    expect(await recoveries(id)).toMatchObject([{ actor: 'system', action: 'recovery.rerun', data: { jobState: 'completed' } }]);
    expect((await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id } })).status).toBe('RUNNING');
    await stack.runtime.deployments.abort(id, DEPLOYER, new Date());
  });
});
