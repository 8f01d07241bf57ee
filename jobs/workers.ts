import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CheckSpec } from '../src/config/readiness-config.schema.ts';
import type { TimedOutcome } from '../src/checks/run-check.ts';
import type { AssessmentScheduler, Queues } from '../src/queue/queues.ts';
import { QueueName } from '../src/queue/names.ts';
import type { ChatPort } from '../src/slack/assessment-message.publisher.ts';
import { errorFields, type Logger } from '../src/shared/logger.ts';
import type { AssessmentRepository } from '../src/store/assessments.repository.ts';
import { assessmentProcessor } from './assessment.ts';
import { checkProcessor } from './check.ts';
import { slackRenderProcessor } from './slack-render.ts';

export interface WorkerDeps {
  connection: Redis;
  prefix: string;
  /** Check jobs one process runs at once. @defaultValue 20 */
  concurrency: number;
  queues: Queues['queues'];
  scheduler: AssessmentScheduler;
  assessments: AssessmentRepository;
  chat: ChatPort;
  runCheck: (spec: CheckSpec) => Promise<TimedOutcome>;
  logger: Logger;
  now?: () => Date;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs and waits for the running ones to finish (graceful shutdown). */
  close(): Promise<void>;
}

export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const now = deps.now ?? (() => new Date());
  const common = { connection: deps.connection, prefix: deps.prefix };
  // One chat.update at a time across every replica: updates to one message never overtake each other,
  // and the whole workspace stays inside Slack's per-method rate limits.
  await deps.queues.render.setGlobalConcurrency(1);

  const checks = new Worker(
    QueueName.checks,
    checkProcessor({ assessments: deps.assessments, scheduler: deps.scheduler, runCheck: deps.runCheck, now }),
    { ...common, concurrency: deps.concurrency },
  );
  const assessments = new Worker(
    QueueName.assessments,
    assessmentProcessor({ assessments: deps.assessments, scheduler: deps.scheduler, now }),
    { ...common, concurrency: 5 },
  );
  let render: Worker | undefined;
  render = new Worker(
    QueueName.slackRender,
    slackRenderProcessor({
      assessments: deps.assessments,
      chat: deps.chat,
      logger: deps.logger,
      pauseQueue: async (ms) => render?.rateLimit(ms),
    }),
    { ...common, concurrency: 1 },
  );

  const workers = [checks, assessments, render];
  for (const worker of workers) {
    worker.on('failed', (job: Job | undefined, error: Error) => {
      deps.logger.warn('job failed', { queue: worker.name, jobId: job?.id, attempt: job?.attemptsMade, ...errorFields(error) });
    });
    worker.on('error', (error: Error) => deps.logger.warn('worker error', { queue: worker.name, ...errorFields(error) }));
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  return {
    workers,
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}
