import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import { jobOptions } from './job-options.ts';
import { jobIds, QueueName } from './names.ts';

/** How long the updater gathers changes to one message before showing them in one chat.update. */
export const RENDER_WINDOW_MS = 1000;

export interface AssessmentScheduler {
  /** Enqueues the assessment flow: a parent job that runs once every check child has finished. Idempotent. */
  enqueueAssessment(assessmentId: string, checkIds: readonly string[]): Promise<void>;
  /** Asks for the message to be re-rendered from the database within RENDER_WINDOW_MS. Bursts coalesce. */
  requestRender(assessmentId: string): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string, logger: Logger) {
  const flows = new FlowProducer({ connection, prefix });
  const render = new Queue(QueueName.slackRender, { connection, prefix });
  const assessments = new Queue(QueueName.assessments, { connection, prefix });
  const checks = new Queue(QueueName.checks, { connection, prefix });
  // The connection's own listener reports outages once; without these BullMQ prints every reconnect failure.
  const quiet = (error: Error) => logger.debug('queue connection error', { err: error.message });
  flows.on('error', quiet);
  for (const queue of [render, assessments, checks]) queue.on('error', quiet);

  const scheduler: AssessmentScheduler = {
    async enqueueAssessment(assessmentId, checkIds) {
      await flows.add({
        name: 'assessment',
        queueName: QueueName.assessments,
        data: { assessmentId },
        opts: { ...jobOptions.assessment, jobId: jobIds.assessment(assessmentId) },
        children: checkIds.map((checkId) => ({
          name: 'check',
          queueName: QueueName.checks,
          data: { assessmentId, checkId },
          opts: { ...jobOptions.check, jobId: jobIds.check(assessmentId, checkId) },
        })),
      });
    },
    async requestRender(assessmentId) {
      // Every request inside one window maps to the same job id, which BullMQ adds only once; the job runs at
      // the window's end and reads the database then, so it shows every change made inside the window.
      const now = Date.now();
      const window = Math.floor(now / RENDER_WINDOW_MS);
      await render.add(
        'render',
        { assessmentId },
        { ...jobOptions.render, jobId: jobIds.render(assessmentId, window), delay: (window + 1) * RENDER_WINDOW_MS - now },
      );
    },
  };

  return {
    scheduler,
    queues: { render, assessments, checks },
    async close() {
      await Promise.all([flows.close(), render.close(), assessments.close(), checks.close()]);
    },
  };
}
export type Queues = ReturnType<typeof createQueues>;
