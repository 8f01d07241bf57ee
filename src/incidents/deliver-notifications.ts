import type { Logger } from '../shared/logger.ts';
import type { DeliveryStep, FailedDelivery, IncidentRepository, PendingNotification } from './incident.ports.ts';
import { ChatFailure, type IncidentChat } from './incident-chat.ts';
import type { NewNotification } from './incident.types.ts';

export interface DeliveryDeps {
  incidents: Pick<IncidentRepository, 'deliverNext' | 'recordAttempt' | 'markFailed'>;
  chat: IncidentChat;
  now: () => Date;
  logger: Logger;
}

export interface DeliveryReport {
  sent: number;
  superseded: number;
  /** Posts Slack refused for good, with its error. */
  failed: { notification: PendingNotification; error: string }[];
  /** Seq of the last follow-up post queued about a failure. */
  followUpSeq: number | undefined;
}

/** A DM or a mirrored post that failed is told in the incident's thread; a failing alert or thread post only in the audit log. */
function followUpOf(notification: PendingNotification, error: string): NewNotification[] {
  if (notification.destination !== 'dm' && notification.destination !== 'thread') return [];
  return [
    {
      key: `${notification.key}_failed`,
      destination: 'incident_thread',
      onlyWhileOpen: false,
      event: { type: 'delivery_failed', destination: notification.destination, channel: notification.channel, error },
    },
  ];
}

/** What a post Slack refused for good leaves behind: its audit event and, for DMs and mirrors, a word in the thread. */
function failedDelivery(incidentId: string, notification: PendingNotification, slackError: string): FailedDelivery {
  return {
    audit: {
      actor: 'system',
      action: 'incident.notification_failed',
      subjectType: 'incident',
      subjectId: incidentId,
      before: { notification: 'PENDING' },
      after: { notification: 'FAILED' },
      reason: `${notification.destination}${notification.channel ? ` ${notification.channel}` : ''}: ${slackError}`,
      data: { key: notification.key, destination: notification.destination, channel: notification.channel },
      dedupeKey: `incident.notification_failed_${notification.id}`,
    },
    notifications: followUpOf(notification, slackError),
  };
}

/** A failed post: counted and rethrown when a retry may help, else marked failed for good and added to the report. */
async function handleFailure(deps: DeliveryDeps, incidentId: string, report: DeliveryReport, error: unknown, notification?: PendingNotification) {
  if (!(error instanceof ChatFailure) || !notification) throw error;
  if (error.failure.kind !== 'permanent') {
    await deps.incidents.recordAttempt(notification.id, error.message);
    throw error;
  }
  const slackError = error.failure.error;
  deps.logger.error('slack refused an incident post for good', { incidentId, key: notification.key, slackError });
  const marked = await deps.incidents.markFailed(notification.id, slackError, failedDelivery(incidentId, notification, slackError));
  if (marked.failed) report.failed.push({ notification, error: slackError });
  report.followUpSeq = marked.lastSeq ?? report.followUpSeq;
}

/**
 * Posts the incident's pending notifications in order until none is left. A post Slack refuses for good is marked
 * failed, audited and (for DMs and mirrors) said in the thread; a 429 or a transient failure is counted and thrown as
 * a ChatFailure, so the caller retries later with the rest still queued behind it.
 */
export async function deliverIncidentNotifications(deps: DeliveryDeps, incidentId: string, maxPosts = 500): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, superseded: 0, failed: [], followUpSeq: undefined };
  for (let posts = 0; posts < maxPosts; posts += 1) {
    const attempt: { notification?: PendingNotification } = {};
    let step: DeliveryStep;
    try {
      step = await deps.incidents.deliverNext(incidentId, deps.now, (notification, incident, events) => {
        attempt.notification = notification;
        return deps.chat.deliver(notification, incident, events);
      });
    } catch (error) {
      await handleFailure(deps, incidentId, report, error, attempt.notification);
      continue;
    }
    if (step.kind === 'idle') return report;
    if (step.kind === 'sent') report.sent += 1;
    else report.superseded += 1;
  }
  return report;
}
