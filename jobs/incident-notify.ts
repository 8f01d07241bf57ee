import { Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { deliverIncidentNotifications, type DeliveryDeps } from '../src/incidents/deliver-notifications.ts';
import { ChatFailure } from '../src/incidents/incident-chat.ts';
import { parseJobData } from './job-data.ts';

export const IncidentNotifyJobData = z.object({ incidentId: z.uuid() });

export interface NotifyJobDeps extends DeliveryDeps {
  /** Pauses the whole queue (every replica): Slack's rate limits are per workspace. */
  pauseQueue: (ms: number) => Promise<void>;
}

/**
 * Posts an incident's pending notifications in order. A 429 pauses the queue for Retry-After without using an
 * attempt; a 5xx or network failure is retried with backoff. A post that is still undelivered after the last attempt
 * stays pending (the sweep tries it again) and is logged as an error: a page is never dropped silently.
 */
export function incidentNotifyProcessor(deps: NotifyJobDeps) {
  return async (job: Job) => {
    const { incidentId } = parseJobData(IncidentNotifyJobData, job.data, 'incident-notify');
    try {
      const report = await deliverIncidentNotifications(deps, incidentId);
      return { sent: report.sent, superseded: report.superseded, failed: report.failed.length };
    } catch (error) {
      if (!(error instanceof ChatFailure)) throw error;
      if (error.failure.kind === 'rate_limited') {
        deps.logger.warn('slack rate limited an incident post; pausing', { incidentId, retryAfterMs: error.failure.retryAfterMs });
        await deps.pauseQueue(error.failure.retryAfterMs);
        throw Worker.RateLimitError();
      }
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        deps.logger.error('incident post still undelivered after every retry; it stays pending for the next sweep', {
          incidentId,
          attempts: job.attemptsMade + 1,
          slackError: error.message,
        });
      }
      throw error;
    }
  };
}
