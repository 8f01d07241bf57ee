import type { Job } from 'bullmq';
import { schedule, type ScheduledTask } from 'node-cron';
import { z } from 'zod';
import { purgeCheckResults, purgeDayOf, type PurgeDeps } from '../src/retention/purge-check-results.ts';
import type { RetentionScheduler } from '../src/retention/retention.ports.ts';
import { errorFields, type Logger } from '../src/shared/logger.ts';
import { parseJobData } from './job-data.ts';

export const PurgeJobData = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });

/** When the bots enqueue the daily purge (UTC): a quiet hour. @defaultValue 03:17 every day */
export const PURGE_CRON = '17 3 * * *';

/**
 * The daily purge's schedule: a tick only enqueues the day's job (its id is the day, so N replicas purge once);
 * on start the day's job is enqueued too, so a bot that was down at 03:17 still has it run.
 */
export function startRetentionSchedule(deps: { scheduler: RetentionScheduler; logger: Logger; now?: () => Date }): { stop(): Promise<void> } {
  const now = deps.now ?? (() => new Date());
  const enqueue = async () => {
    const day = purgeDayOf(now());
    try {
      await deps.scheduler.enqueuePurge(day);
    } catch (error) {
      // Another replica may enqueue it; tomorrow's purge deletes the same rows anyway.
      deps.logger.warn('could not enqueue the check results purge', { day, ...errorFields(error) });
    }
  };
  const task: ScheduledTask = schedule(PURGE_CRON, () => void enqueue(), { timezone: 'UTC', name: 'purge-check-results' });
  void enqueue();
  return {
    async stop() {
      await task.destroy();
    },
  };
}

/** Deletes check results past retention; the job data names only the day. */
export function purgeProcessor(deps: PurgeDeps & { logger: Logger }) {
  return async (job: Job) => {
    const { day } = parseJobData(PurgeJobData, job.data, 'purge');
    const result = await purgeCheckResults(deps);
    deps.logger.info('check results purged', { day, before: result.before.toISOString(), deleted: result.deleted });
    return { deleted: result.deleted };
  };
}
