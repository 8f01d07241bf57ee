import type { Processor, Worker, WorkerOptions } from 'bullmq';
import { createWorker } from './create-worker.ts';
import { QueueName } from '../src/queue/names.ts';

/**
 * Check jobs one BullMQ worker instance takes on. A BullMQ worker hands out jobs one Redis round trip at a
 * time and starts the ones it fetched together, so one worker running 200 checks starts the last of them
 * only after 200 sequential round trips. Several instances in the process fetch side by side: measured
 * with 200 waiting jobs, 4 instances of 50 start them all in about half the time of 1 instance of 200.
 */
export const CHECK_JOBS_PER_WORKER = 25;

/**
 * The process's workers on the checks queue: `concurrency` check jobs at once in total, split over instances
 * of at most CHECK_JOBS_PER_WORKER that share one processor (and so its batched queries).
 */
export function createCheckWorkers(processor: Processor, options: Omit<WorkerOptions, 'concurrency'> & { concurrency: number }): Worker[] {
  const count = Math.ceil(options.concurrency / CHECK_JOBS_PER_WORKER);
  return Array.from({ length: count }, (_, i) => {
    // Spread the total exactly: 130 becomes 44 + 43 + 43, never more than asked for.
    const share = Math.floor(options.concurrency / count) + (i < options.concurrency % count ? 1 : 0);
    return createWorker(QueueName.checks, processor, { ...options, concurrency: share });
  });
}
