import type { Job, Worker } from 'bullmq';
import { createWorker } from './create-worker.ts';
import { stopWorkers, type StopWorkersResult } from './stop-workers.ts';
import { WORKER_STOP_GRACE_MS, workerLocks } from '../src/queue/job-options.ts';
import { jobLogFields } from './job-log-fields.ts';
import type { JobObserver } from '../src/status/system-state.ts';
import type { CheckSpec, ReadinessConfig } from '../src/config/readiness-config.schema.ts';
import type { TimedOutcome } from '../src/checks/check-runner.port.ts';
import type { CheckTarget } from '../src/checks/check.types.ts';
import { intakeRefusalsFor } from '../src/queue/intake-refusals.ts';
import { reportSchedulerFor, type Queues } from '../src/queue/queues.ts';
import type { AssessmentRepository, AssessmentScheduler } from '../src/assessments/assessment.ports.ts';
import type { PostReportDeps } from '../src/reports/post-report.ts';
import { QueueName } from '../src/queue/names.ts';
import { publishAssessmentMessage, type ChatPort } from '../src/slack/assessment-message.publisher.ts';
import { errorFields, type Logger } from '../src/shared/logger.ts';
import { assessmentProcessor } from './assessment.ts';
import { checkProcessor } from './check.ts';
import { createCheckWorkers } from './check-workers.ts';
import { reportProcessor } from './report.ts';
import { slackRenderProcessor } from './slack-render.ts';
import { signoffProcessor } from './signoff.ts';
import type { ApprovalServices } from '../src/approvals/approval-services.ts';
import type { DeploymentServices } from '../src/deployments/deployment-services.ts';
import { deploymentProcessor, failedForGood, giveUpOnDeploymentJob } from './deployment.ts';
import { rateLimitedWorker } from './rate-limited-worker.ts';
import { applyQueueSettings } from '../src/queue/queue-settings.ts';
import { regressionHook, startIncidentWorkers, type IncidentWorkerDeps } from './incident-workers.ts';
import { digestProcessor, type DigestJobDeps } from './digest.ts';
import { intakeProcessor } from './intake.ts';
import { purgeProcessor } from './retention.ts';
import type { PurgeDeps } from '../src/retention/purge-check-results.ts';
import type { RedisConnection } from '../src/queue/connection.ts';

export interface WorkerDeps {
  connection: RedisConnection;
  prefix: string;
  /** Checks one process runs at once, over every batch job it holds (WORKER_CONCURRENCY). */
  concurrency: number;
  /** How long checks retry while our database or Redis fails (INFRA_RETRY_WINDOW_MS). @defaultValue 60000 */
  infrastructureRetryWindowMs?: number | undefined;
  queues: Queues['queues'];
  scheduler: AssessmentScheduler;
  assessments: AssessmentRepository;
  chat: ChatPort;
  runCheck: (spec: CheckSpec, target: CheckTarget) => Promise<TimedOutcome>;
  /**
   * Posts full reports into assessment threads (`/readiness report`, and messages too long to list every check).
   * @defaultValue none: this process leaves the reports queue to other workers (tests of the assessment flow alone)
   */
  reports?: { repository: PostReportDeps['reports']; poster: PostReportDeps['poster'] } | undefined;
  /** Sign-off follow-ups, message renders and expiry timers. @defaultValue none (tests of assessments alone) */
  approvals?: Pick<ApprovalServices, 'afterCompletion' | 'refreshSignoff' | 'signoffBadge' | 'signoffJob'> | undefined;
  /** Deployment phases and rollbacks, and their message renders. @defaultValue none */
  deployments?: Pick<DeploymentServices, 'domain' | 'refreshDeployment'> | undefined;
  /**
   * How long a deployment job's lock lasts without renewal: a worker killed mid-phase leaves its job to another
   * worker after about this long. @defaultValue workerLocks.lockDuration (10000), like every other queue
   */
  deploymentLockMs?: number | undefined;
  /** Escalation timers and incident posts. @defaultValue none (tests of assessments alone) */
  incidents?: IncidentWorkerDeps | undefined;
  /** Digest posts. @defaultValue none: this process leaves the digests queue to other workers */
  digests?: Omit<DigestJobDeps, 'logger' | 'pauseQueue' | 'now'> | undefined;
  /**
   * Intake jobs of `/readiness run` (record the assessment and post its message when the bot that acked did not).
   * @defaultValue none: this process leaves the intake queue to other workers
   */
  intake?: { config: ReadinessConfig /** See INTAKE_DELAY_MS. @defaultValue 30000 */; delayMs?: number | undefined } | undefined;
  /** The daily purge of old check results. @defaultValue none: this process leaves the maintenance queue to other workers */
  retention?: Omit<PurgeDeps, 'now'> | undefined;
  logger: Logger;
  /** Counts what each job attempt took and how it ended, and stalls (the worker's /metrics). @defaultValue not counted */
  jobs?: JobObserver | undefined;
  now?: () => Date;
}

/** How long a job attempt's processor ran, from BullMQ's own timestamps. */
function attemptSeconds(job: Job): number | undefined {
  return job.processedOn === undefined ? undefined : ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000;
}

export interface RunningWorkers {
  workers: Worker[];
  /**
   * Stops taking jobs and waits up to `graceMs` for the running ones to finish; those still running then are
   * handed back to the queue for another worker (see stopWorkers). @defaultValue WORKER_STOP_GRACE_MS (10000)
   */
  close(graceMs?: number): Promise<StopWorkersResult>;
}

export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const now = deps.now ?? (() => new Date());
  // Not started on creation: a worker that ran at once could report a stalled job (or finish one) before the
  // listeners below were attached, and start-up awaits in between (the incident sweep reads the whole database).
  // Under load that window is long enough that a stall a restarted worker recovered was never counted.
  const common = { connection: deps.connection, prefix: deps.prefix, autorun: false };
  // One chat.update at a time across every replica: updates to one message never overtake each other,
  // and the whole workspace stays inside Slack's per-method rate limits.
  await applyQueueSettings({ render: deps.queues.render });

  const checks = createCheckWorkers(
    checkProcessor({
      assessments: deps.assessments,
      scheduler: deps.scheduler,
      runCheck: deps.runCheck,
      now,
      checksInFlight: deps.concurrency,
      infrastructureRetryWindowMs: deps.infrastructureRetryWindowMs,
    }),
    {
      ...common,
      concurrency: deps.concurrency,
    },
  );
  const assessments = createWorker(
    QueueName.assessments,
    assessmentProcessor({
      assessments: deps.assessments,
      scheduler: deps.scheduler,
      reports: reportSchedulerFor(deps.queues.reports),
      afterCompletion: deps.approvals?.afterCompletion,
      reportRegression: deps.incidents?.checkRegression ? regressionHook(deps.incidents.incident, deps.assessments) : undefined,
      now,
    }),
    { ...common, concurrency: 5 },
  );
  const render = rateLimitedWorker(
    QueueName.slackRender,
    (pauseQueue) =>
      slackRenderProcessor({
        assessments: deps.assessments,
        chat: deps.chat,
        signoffBadge: deps.approvals?.signoffBadge,
        refreshSignoff: deps.approvals?.refreshSignoff,
        refreshDeployment: deps.deployments?.refreshDeployment,
        logger: deps.logger,
        pauseQueue,
      }),
    { ...common, concurrency: 1 },
  );

  const workers = [...checks, assessments, render];
  if (deps.approvals) {
    workers.push(createWorker(QueueName.signoffs, signoffProcessor(deps.approvals.signoffJob), { ...common, concurrency: 2 }));
  }
  if (deps.deployments) {
    const lockDuration = deps.deploymentLockMs ?? workerLocks.lockDuration;
    const deployments = createWorker(
      QueueName.deployments,
      deploymentProcessor(deps.deployments.domain, { infrastructureRetryWindowMs: deps.infrastructureRetryWindowMs }),
      {
        ...common,
        concurrency: 10,
        lockDuration,
        lockRenewTime: Math.min(workerLocks.lockRenewTime, Math.floor(lockDuration / 2)),
        stalledInterval: Math.max(1000, Math.min(workerLocks.stalledInterval, Math.floor(lockDuration / 2))),
        // Phase and rollback jobs pick up where they stopped, so a job whose worker died again (or lost its lock
        // under load) is recovered, not failed for good with the deployment left holding the lock.
        maxStalledCount: 5,
      },
    );
    const { domain } = deps.deployments;
    // A job BullMQ gives up on must still end its deployment, or the environment stays locked for good.
    deployments.on('failed', (job: Job | undefined, error: Error) => {
      if (!job || !failedForGood(job, error)) return;
      void giveUpOnDeploymentJob(domain, job.name, job.data, error.message).catch((giveUpError: unknown) =>
        deps.logger.error('could not end a deployment whose job failed for good', { jobId: job.id, ...errorFields(giveUpError) }),
      );
    });
    workers.push(deployments);
  }
  if (deps.reports) {
    const { repository, poster } = deps.reports;
    const reports = rateLimitedWorker(
      QueueName.reports,
      (pauseQueue) => reportProcessor({ assessments: deps.assessments, reports: repository, poster, logger: deps.logger, pauseQueue }),
      { ...common, concurrency: 2 },
    );
    workers.push(reports);
  }
  if (deps.digests) {
    const digestDeps = deps.digests;
    workers.push(
      rateLimitedWorker(QueueName.digests, (pauseQueue) => digestProcessor({ ...digestDeps, logger: deps.logger, pauseQueue, now }), {
        ...common,
        concurrency: 2,
      }),
    );
  }
  if (deps.intake) {
    const { config, delayMs } = deps.intake;
    // The intake job runs when the bot may have posted and died before recording it: look before posting again.
    const message = { assessments: deps.assessments, scheduler: deps.scheduler, chat: deps.chat, now, lookBeforePosting: true };
    workers.push(
      rateLimitedWorker(
        QueueName.intake,
        (pauseQueue) =>
          intakeProcessor({
            start: { config, assessments: deps.assessments, scheduler: deps.scheduler, now },
            publishMessage: (view) => publishAssessmentMessage(message, view),
            refusals: intakeRefusalsFor(deps.queues.intake),
            delayMs,
            logger: deps.logger,
            pauseQueue,
          }),
        { ...common, concurrency: 5 },
      ),
    );
  }
  if (deps.retention)
    workers.push(createWorker(QueueName.maintenance, purgeProcessor({ ...deps.retention, now, logger: deps.logger }), { ...common, concurrency: 1 }));
  if (deps.incidents) workers.push(...(await startIncidentWorkers(common, deps.incidents, deps.logger)));
  for (const worker of workers) {
    worker.on('completed', (job: Job) => deps.jobs?.finished(worker.name, 'completed', attemptSeconds(job)));
    worker.on('failed', (job: Job | undefined, error: Error) => {
      deps.jobs?.finished(worker.name, 'failed', job ? attemptSeconds(job) : undefined);
      deps.logger.warn('job failed', {
        ...(job ? jobLogFields(worker.name, job) : { queue: worker.name }),
        attempt: job?.attemptsMade,
        ...errorFields(error),
      });
    });
    worker.on('stalled', () => deps.jobs?.stalled(worker.name));
    worker.on('error', (error: Error) => deps.logger.warn('worker error', { queue: worker.name, ...errorFields(error) }));
  }
  for (const worker of workers) {
    // Resolves when the worker closes; it rejects only if it could not start, which the error listener logs too.
    worker.run().catch((error: unknown) => deps.logger.error('worker stopped running', { queue: worker.name, ...errorFields(error) }));
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  return {
    workers,
    close: (graceMs = WORKER_STOP_GRACE_MS) => stopWorkers(workers, graceMs, deps.logger),
  };
}
