import type { Processor, Worker, WorkerOptions } from 'bullmq';
import { createWorker } from './create-worker.ts';

/**
 * A worker whose processor can pause its whole queue (every replica) when Slack answers 429: Slack's rate
 * limits are per workspace, so one process backing off alone would not help.
 */
export function rateLimitedWorker(
  queueName: string,
  processorFor: (pauseQueue: (ms: number) => Promise<void>) => Processor,
  options: WorkerOptions,
): Worker {
  let worker: Worker | undefined;
  worker = createWorker(
    queueName,
    processorFor(async (ms) => worker?.rateLimit(ms)),
    options,
  );
  return worker;
}
