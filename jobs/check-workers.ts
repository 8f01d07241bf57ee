import type { Processor, Worker, WorkerOptions } from 'bullmq';
import { createWorker } from './create-worker.ts';
import { QueueName } from '../src/queue/names.ts';

/**
 * Batch jobs one BullMQ worker instance takes on. A BullMQ worker hands out jobs one Redis round trip at a time,
 * so a burst of assessments (100 commands at once: 100 batch jobs) is fetched by a few instances side by side.
 */
export const CHECK_JOBS_PER_WORKER = 50;

/**
 * Checks in flight per batch job slot, on average: a batch holds up to CHECK_BATCH_SIZE checks, many assessments
 * are smaller. `concurrency` checks at once make `concurrency / CHECKS_PER_JOB_SLOT` batch jobs at once.
 * @defaultValue 10
 */
export const CHECKS_PER_JOB_SLOT = 10;

/**
 * How often a batch job may lose its worker (killed, or frozen past its lock) and be handed out again before it
 * fails for good and its unrecorded checks are ERROR. Higher than other queues' 2 (workerLocks): a batch holds
 * up to 50 checks and lives as long as its slowest, so it is exposed to more worker deaths than a one-check job
 * was; each redelivery runs only the checks still without a result, so a batch that keeps losing its worker still
 * makes progress. With 2, `npm run chaos -- worker-kill` (a kill every 3–8 s) ended 3 of 40 assessments NO-GO
 * on batches stalled three times; a check that kills its worker every time still stops after 6 deliveries.
 * @defaultValue 5
 */
export const CHECK_BATCH_MAX_STALLED = 5;

/** How many batch jobs a process with `concurrency` checks in flight takes at once. */
export const checkJobSlots = (concurrency: number) => Math.max(1, Math.ceil(concurrency / CHECKS_PER_JOB_SLOT));

/** How many BullMQ workers a process with `concurrency` checks in flight runs on the checks queue. */
export const checkWorkerCount = (concurrency: number) => Math.ceil(checkJobSlots(concurrency) / CHECK_JOBS_PER_WORKER);

/**
 * The process's workers on the checks queue: checkJobSlots(concurrency) batch jobs at once in total, split over
 * instances of at most CHECK_JOBS_PER_WORKER that share one processor (and so its bound on checks in flight and
 * its batched writes).
 */
export function createCheckWorkers(processor: Processor, options: Omit<WorkerOptions, 'concurrency'> & { concurrency: number }): Worker[] {
  const slots = checkJobSlots(options.concurrency);
  const count = checkWorkerCount(options.concurrency);
  return Array.from({ length: count }, (_, i) => {
    // Spread the total exactly: 130 becomes 44 + 43 + 43, never more than asked for.
    const share = Math.floor(slots / count) + (i < slots % count ? 1 : 0);
    return createWorker(QueueName.checks, processor, { maxStalledCount: CHECK_BATCH_MAX_STALLED, ...options, concurrency: share });
  });
}
