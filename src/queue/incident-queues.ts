import { Queue, type JobsOptions } from 'bullmq';
import type { IncidentScheduler } from '../incidents/incident-deps.ts';
import type { EscalationStep } from '../incidents/incident.types.ts';
import { errorFields, type Logger } from '../shared/logger.ts';
import { INFRASTRUCTURE_BACKOFF } from './job-options.ts';
import { jobIds, QueueName } from './names.ts';
import type { RedisConnection } from './connection.ts';

const retention = { removeOnComplete: { age: 3600, count: 5000 }, removeOnFail: { age: 7 * 24 * 3600 } } satisfies JobsOptions;

export const incidentJobOptions = {
  /**
   * A timer whose transition fails (the database is away) is retried; the guard makes a repeat a no-op. The backoff
   * is the infrastructure one (0.5, 1, 2, 4, then every 5 s, for about 15 minutes), so an escalation that came due
   * during an outage fires within about 5 s of the database answering again. Exponential backoff (8 attempts from
   * 500 ms) waited up to 64 s between tries and failed for good after about a minute, leaving it to the sweep.
   */
  escalation: { ...retention, backoff: { type: INFRASTRUCTURE_BACKOFF }, attempts: 200 },
  /**
   * Slack 5xx and network failures back off 0.5 s, 1 s, 2 s … (about 8 minutes in all); 429s wait out Retry-After
   * without using an attempt. A post still undelivered then stays pending and the sweep tries again every minute.
   */
  notify: { ...retention, attempts: 10, backoff: { type: 'exponential', delay: 500 } },
} satisfies Record<string, JobsOptions>;

/** How often a worker looks for timers and posts that a crash may have left unscheduled. */
export const SWEEP_EVERY_MS = 60_000;
export const SWEEP_SCHEDULER_ID = 'incident-sweep';

export interface IncidentQueueScheduler extends IncidentScheduler {
  /** Like scheduleEscalation, but also retries the step's timer if it failed for good earlier (the sweep). */
  rearmEscalation(incidentId: string, step: EscalationStep, dueAt: Date): Promise<'armed' | 'retried' | 'present'>;
}

export function createIncidentQueues(connection: RedisConnection, prefix: string, logger: Logger) {
  const escalations = new Queue(QueueName.escalations, { connection, prefix });
  const notify = new Queue(QueueName.incidentNotify, { connection, prefix });
  const quiet = (error: Error) => logger.debug('queue connection error', { err: error.message });
  escalations.on('error', quiet);
  notify.on('error', quiet);

  const addTimer = (incidentId: string, step: EscalationStep, dueAt: Date) =>
    escalations.add(
      'escalate',
      { incidentId, ...step },
      { ...incidentJobOptions.escalation, jobId: jobIds.escalation(incidentId, step), delay: Math.max(0, dueAt.getTime() - Date.now()) },
    );

  const scheduler: IncidentQueueScheduler = {
    async scheduleEscalation(incidentId, step, dueAt) {
      await addTimer(incidentId, step, dueAt);
    },
    async cancelEscalation(incidentId, step) {
      try {
        await escalations.remove(jobIds.escalation(incidentId, step));
      } catch (error) {
        // Running right now (locked): it will find its step gone, or record that it was superseded.
        logger.debug('escalation timer not removed', { incidentId, ...step, ...errorFields(error) });
      }
    },
    async requestDelivery(incidentId, trigger) {
      await notify.add('notify', { incidentId }, { ...incidentJobOptions.notify, jobId: jobIds.incidentNotify(incidentId, trigger) });
    },
    async rearmEscalation(incidentId, step, dueAt) {
      const job = await escalations.getJob(jobIds.escalation(incidentId, step));
      if (!job) {
        await addTimer(incidentId, step, dueAt);
        return 'armed';
      }
      if ((await job.getState()) === 'failed') {
        await job.retry();
        return 'retried';
      }
      return 'present';
    },
  };

  return {
    scheduler,
    queues: { escalations, notify },
    async close() {
      await Promise.all([escalations.close(), notify.close()]);
    },
  };
}
export type IncidentQueues = ReturnType<typeof createIncidentQueues>;
