import { randomBytes } from 'node:crypto';
import { FlowProducer, Queue, type FlowJob, type JobsOptions } from 'bullmq';
import { createKeyedBatcher } from '../shared/keyed-batcher.ts';
import type { DeploymentScheduler } from '../deployments/deployment.ports.ts';
import type { DigestScheduler } from '../digests/digest.ports.ts';
import type { AssessmentScheduler, IntakeScheduler } from '../assessments/assessment.ports.ts';
import type { ReportScheduler } from '../reports/report.ports.ts';
import type { Logger } from '../shared/logger.ts';
import type { SignoffScheduler } from '../approvals/signoff.ports.ts';
import { checkBatches } from './check-batches.ts';
import { markIntakeRefused } from './intake-refusals.ts';
import { jobOptions } from './job-options.ts';
import { jobIds, QueueName } from './names.ts';
import type { RedisConnection } from './connection.ts';
import type { RetentionScheduler } from '../retention/retention.ports.ts';

/** How long the updater gathers changes to one message before showing them in one chat.update, and the least time between two updates of it. */
export const RENDER_WINDOW_MS = 1000;

/** Random per process: two processes never share it, so neither can reuse the other's render job ids. */
const PROCESS_TOKEN = randomBytes(6).toString('hex');
let renderRequests = 0;

/**
 * A render job id part unique per request: a time alone is not (two processes whose clocks are a second or more
 * apart can ask at the "same" ms, and an add whose id equals a completed job kept for the hour adds nothing, so
 * that render would be lost). Time first, for people reading ids; this process's token and count make it unique.
 */
export function renderRequestId(): string {
  renderRequests += 1;
  return `${Date.now()}-${PROCESS_TOKEN}-${renderRequests}`;
}

export function reportSchedulerFor(reports: Queue): ReportScheduler {
  return {
    async requestReport(request) {
      await reports.add('report', request, { ...jobOptions.report, jobId: jobIds.report(request.assessmentId, request.key) });
    },
  };
}

export function digestSchedulerFor(digests: Queue): DigestScheduler {
  return {
    async enqueueDigest(job) {
      await digests.add('digest', job, { ...jobOptions.digest, jobId: jobIds.digest(job.key) });
    },
  };
}

/** Most assessment flows in one addBulk: a burst of 100 small assessments is two or three Redis transactions. */
export const FLOW_GROUPS = { maxBatch: 50 } as const;

type IntakeJob = { name: string; data: Record<string, unknown>; opts: JobsOptions };

/**
 * Bounds of one intake pipeline. A pipeline that has not answered within the timeout fails all its adds and the
 * next one goes out, so one hung pipeline cannot hold every later command's ack (each command also bounds its own
 * wait, commands/run.ts). The cap keeps one pipeline a bounded write however large the burst.
 */
export const INTAKE_PIPELINE = { timeoutMs: 1000, maxBatch: 100 } as const;

/**
 * The intake jobs of commands arriving together go to Redis in one pipeline (addBulk): a lone command's add goes
 * at once, and those that arrive while it is out go together in the next, so a burst of 200 `/readiness run` costs
 * a few round trips and writes before their acks instead of 200 (docs/performance.md, "Ack latency"). Each caller
 * still waits for its own job to be in Redis before it acks; if a pipeline fails or times out (INTAKE_PIPELINE),
 * every caller in it sees the error.
 */
export function intakeSchedulerFor(intake: Queue, bounds: { timeoutMs: number; maxBatch: number } = INTAKE_PIPELINE): IntakeScheduler {
  const addTogether = createKeyedBatcher<IntakeJob, void>(async (_key, jobs) => {
    await intake.addBulk([...jobs]);
    return jobs.map(() => undefined);
  }, bounds);
  return {
    async enqueueIntake(request, delayMs) {
      const { requestKey, service, environment, requestedBy, teamId, channelId } = request;
      const data = { requestKey, service, environment, requestedBy, teamId, channelId };
      await addTogether('intake', {
        name: 'intake',
        data,
        opts: { ...jobOptions.intake, jobId: jobIds.intake(requestKey), delay: Math.max(0, delayMs) },
      });
    },
    async refuseIntake(requestKey) {
      const jobId = jobIds.intake(requestKey);
      // Not sent yet (waiting behind a pipeline that is out): it never will be.
      addTogether.withdraw('intake', (job) => job.opts.jobId === jobId);
      // Sent, or in a pipeline being written: the mark goes first, so an add landing between it and the removal, or
      // after both, finds it when it runs (settleIntake). On the add's connection, so an add already written is in
      // Redis before the removal and is removed by it.
      await markIntakeRefused(intake, requestKey);
      await intake.remove(jobId);
    },
    async removeIntake(requestKey) {
      // BullMQ refuses to remove a job a worker holds (it has started): then it is the intake's to finish.
      return (await intake.remove(jobIds.intake(requestKey))) === 1;
    },
  };
}

export function retentionSchedulerFor(maintenance: Queue): RetentionScheduler {
  return {
    async enqueuePurge(day) {
      await maintenance.add('purge-check-results', { day }, { ...jobOptions.maintenance, jobId: jobIds.purgeCheckResults(day) });
    },
  };
}

export function createQueues(connection: RedisConnection, prefix: string, logger: Logger) {
  const flows = new FlowProducer({ connection, prefix });
  const render = new Queue(QueueName.slackRender, { connection, prefix });
  const assessments = new Queue(QueueName.assessments, { connection, prefix });
  const checks = new Queue(QueueName.checks, { connection, prefix });
  const reports = new Queue(QueueName.reports, { connection, prefix });
  const signoffs = new Queue(QueueName.signoffs, { connection, prefix });
  const deployments = new Queue(QueueName.deployments, { connection, prefix });
  const digests = new Queue(QueueName.digests, { connection, prefix });
  const intake = new Queue(QueueName.intake, { connection, prefix });
  const maintenance = new Queue(QueueName.maintenance, { connection, prefix });
  // The connection's own listener reports outages once; without these BullMQ prints every reconnect failure.
  const quiet = (error: Error) => logger.debug('queue connection error', { err: error.message });
  flows.on('error', quiet);
  for (const queue of [render, assessments, checks, reports, signoffs, deployments, digests, intake, maintenance]) queue.on('error', quiet);

  /**
   * One message, one render job waiting at a time: a request while one waits is absorbed by it (it reads the
   * database when it runs, so it shows the change), and a request while one runs leaves exactly one follow-up
   * (BullMQ's deduplication with keepLastIfActive), so the last change is always rendered, whatever the clocks of
   * the processes say. Each job runs RENDER_WINDOW_MS after it was asked for (a follow-up: after the running one
   * finished), so a message gets at most one chat.update per window and an assessment lasting T seconds at most
   * about T + 1 of them. Requests made in this process while its add is out go together in the next add, so 200
   * checks finishing at once cost Redis two adds, not 200.
   */
  const requestRenderOf = createKeyedBatcher<{ name: string; data: Record<string, string>; jobId: string }, void>(async (dedupId, items) => {
    const last = items.at(-1);
    if (last) {
      await render.add(last.name, last.data, {
        ...jobOptions.render,
        jobId: last.jobId,
        delay: RENDER_WINDOW_MS,
        deduplication: { id: dedupId, keepLastIfActive: true },
      });
    }
    return items.map(() => undefined);
  });
  const renderInWindow = (name: string, data: Record<string, string>, dedupId: string, jobIdOf: (request: string) => string) =>
    requestRenderOf(dedupId, { name, data, jobId: jobIdOf(renderRequestId()) });
  /**
   * The flows of assessments created together go to Redis in one transaction (addBulk, one round trip): a lone
   * assessment's flow goes at once, those enqueued while it is out go together in the next (FLOW_GROUPS). Job ids
   * stay deterministic, so a flow added twice is still one. BullMQ adds a bulk atomically: if it fails, no flow of
   * it was added and every caller in it sees the error (only Redis itself fails an add of new jobs).
   */
  const addFlowTogether = createKeyedBatcher<FlowJob, void>(async (_key, flowJobs) => {
    await flows.addBulk([...flowJobs]);
    return flowJobs.map(() => undefined);
  }, FLOW_GROUPS);
  const scheduler: AssessmentScheduler = {
    async enqueueAssessment(assessmentId, checkIds) {
      await addFlowTogether('flows', {
        name: 'assessment',
        queueName: QueueName.assessments,
        data: { assessmentId },
        opts: { ...jobOptions.assessment, jobId: jobIds.assessment(assessmentId) },
        children: checkBatches(checkIds).map((batch, index) => ({
          name: 'checks',
          queueName: QueueName.checks,
          data: { assessmentId, checkIds: batch },
          opts: { ...jobOptions.check, jobId: jobIds.checkBatch(assessmentId, index) },
        })),
      });
    },
    async requestRender(assessmentId) {
      await renderInWindow('render', { assessmentId }, `render:${assessmentId}`, (request) => jobIds.render(assessmentId, request));
    },
  };

  const signoffScheduler: SignoffScheduler = {
    async requestSignoffRender(requestId) {
      await renderInWindow('signoff', { requestId }, `render-signoff:${requestId}`, (request) => jobIds.signoffRender(requestId, request));
    },
    async scheduleSignoffExpiry(requestId, at) {
      await signoffs.add(
        'expire',
        { requestId },
        { ...jobOptions.signoff, jobId: jobIds.signoffExpiry(requestId), delay: Math.max(0, at.getTime() - Date.now()) },
      );
    },
  };

  const deploymentScheduler: DeploymentScheduler = {
    async requestDeploymentRender(deploymentId) {
      await renderInWindow('deployment', { deploymentId }, `render-deployment:${deploymentId}`, (request) =>
        jobIds.deploymentRender(deploymentId, request),
      );
    },
    async enqueuePhase(deploymentId, phaseIndex, generation) {
      await deployments.add(
        'phase',
        { deploymentId, phaseIndex, generation },
        { ...jobOptions.deployment, jobId: jobIds.deploymentPhase(deploymentId, phaseIndex, generation) },
      );
    },
    async enqueueRollback(deploymentId, maxDurationMs) {
      await deployments.add('rollback', { deploymentId }, { ...jobOptions.deployment, jobId: jobIds.rollback(deploymentId) });
      await deployments.add(
        'rollback-deadline',
        { deploymentId },
        { ...jobOptions.deployment, jobId: jobIds.rollbackDeadline(deploymentId), delay: maxDurationMs },
      );
    },
    async schedulePlanExpiry(deploymentId, at) {
      await deployments.add(
        'plan-expiry',
        { deploymentId },
        { ...jobOptions.deployment, jobId: jobIds.planExpiry(deploymentId), delay: Math.max(0, at.getTime() - Date.now()) },
      );
    },
  };

  return {
    scheduler,
    reportScheduler: reportSchedulerFor(reports),
    signoffScheduler,
    deploymentScheduler,
    digestScheduler: digestSchedulerFor(digests),
    intakeScheduler: intakeSchedulerFor(intake),
    retentionScheduler: retentionSchedulerFor(maintenance),
    queues: { render, assessments, checks, reports, signoffs, deployments, digests, intake, maintenance },
    async close() {
      await Promise.all([
        flows.close(),
        render.close(),
        assessments.close(),
        checks.close(),
        reports.close(),
        signoffs.close(),
        deployments.close(),
        digests.close(),
        intake.close(),
        maintenance.close(),
      ]);
    },
  };
}
export type Queues = ReturnType<typeof createQueues>;
