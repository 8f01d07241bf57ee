import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import { withLogContext } from '../src/shared/log-context.ts';
import { jobLogFields } from './job-log-fields.ts';
import { backoffStrategy } from '../src/queue/job-options.ts';

/**
 * Every Readiness worker: a BullMQ worker whose processor runs inside its job's log context, so each line logged
 * while the job runs, however deep, carries its queue, jobId and the assessment/deployment/incident it is about.
 */
export function createWorker(queueName: string, processor: Processor, options: WorkerOptions): Worker {
  return new Worker(queueName, (job, token, signal) => withLogContext(jobLogFields(queueName, job), () => processor(job, token, signal)), {
    ...options,
    settings: { backoffStrategy, ...options.settings },
  });
}
