import type { Queue } from 'bullmq';
import { SWEEP_EVERY_MS, SWEEP_SCHEDULER_ID } from './incident-queues.ts';

export interface QueueSettingsTarget {
  render: Queue;
  /** With the incident workers: the escalations queue, whose job scheduler runs the incident sweep. */
  escalations?: Queue | undefined;
}

/**
 * The settings that live in Redis rather than in a process: the render queue's global concurrency (one chat.update
 * at a time across every replica) and the incident sweep's job scheduler. Redis losing its data loses them, so they
 * are applied at worker start and again by every recovery sweep and after every reconnect. Both are
 * idempotent (an HSET, and an upsert only when the scheduler is missing), so applying them again changes nothing.
 */
export async function applyQueueSettings(target: QueueSettingsTarget): Promise<void> {
  await target.render.setGlobalConcurrency(1);
  // Upserted only when missing: upserting an `every` scheduler again would move its next run.
  if (target.escalations && !(await target.escalations.getJobScheduler(SWEEP_SCHEDULER_ID)))
    await target.escalations.upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
}
