import type { Queue } from 'bullmq';
import type { QueueReading } from '../status/system-state.ts';

/** The states a queue's depth is reported in; completed jobs are history, not depth. */
export const DEPTH_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

/**
 * A queue's depth per state and when its oldest waiting job became due: its creation, or the end of its delay for
 * a delayed job moved to waiting (so a 30-second intake delay does not read as 30 seconds of backlog).
 */
export async function readQueue(queue: Queue): Promise<QueueReading> {
  const [counts, oldest] = await Promise.all([queue.getJobCounts(...DEPTH_STATES), queue.getJobs(['wait'], 0, 0, true)]);
  const job = oldest[0];
  return { queue: queue.name, counts, oldestWaitingSince: job ? job.timestamp + (job.delay ?? 0) : undefined };
}
