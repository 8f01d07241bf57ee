import type { Logger } from '../shared/logger.ts';
import { renderIncidentAlert } from '../slack/views/incident-alert.ts';
import { renderPostIncidentReview } from '../slack/views/incident-review.ts';
import { renderPageDm, renderTimelineEntry } from '../slack/views/incident-timeline.ts';
import type { IncidentRepository, PendingNotification, SendNotification } from '../store/incidents.repository.ts';
import { ChatFailure, type IncidentChat } from './incident-chat.ts';
import type { IncidentEventView, IncidentView, NewNotification, TimelineEvent } from './incident.types.ts';

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

function threadMessage(event: TimelineEvent, incident: IncidentView, events: IncidentEventView[]) {
  return event.type === 'review' ? renderPostIncidentReview(incident, events) : renderTimelineEntry(event, incident);
}

/** Renders one notification from the incident's state as it is now, and posts it. */
function sender(chat: IncidentChat): SendNotification {
  return async (notification, incident, events) => {
    const { event } = notification;
    switch (notification.destination) {
      case 'alert':
        return chat.post({ channel: incident.channelId, ...renderIncidentAlert(incident, events) });
      case 'alert_update':
        // The alert never made it (Slack refused it): there is nothing to update.
        if (!incident.messageTs) return undefined;
        await chat.update({ channel: incident.channelId, ts: incident.messageTs, ...renderIncidentAlert(incident, events) });
        return { channel: incident.channelId, ts: incident.messageTs };
      case 'incident_thread':
        return chat.post({ channel: incident.channelId, threadTs: incident.messageTs ?? undefined, ...threadMessage(event, incident, events) });
      case 'thread':
        return chat.post({
          channel: notification.channel ?? '',
          threadTs: notification.threadTs ?? undefined,
          ...threadMessage(event, incident, events),
        });
      case 'dm':
        if (event.type !== 'page_dm') throw new Error(`a DM carries a page, not ${event.type}`);
        return chat.post({ channel: notification.channel ?? '', ...renderPageDm(event, incident) });
    }
  };
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

/**
 * Posts the incident's pending notifications in order until none is left. A post Slack refuses for good is marked
 * failed, audited and (for DMs and mirrors) said in the thread; a 429 or a transient failure is counted and thrown as
 * a ChatFailure, so the caller retries later with the rest still queued behind it.
 */
export async function deliverIncidentNotifications(deps: DeliveryDeps, incidentId: string, maxPosts = 500): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, superseded: 0, failed: [], followUpSeq: undefined };
  const send = sender(deps.chat);
  for (let posts = 0; posts < maxPosts; posts += 1) {
    const attempt: { notification?: PendingNotification } = {};
    let step: Awaited<ReturnType<DeliveryDeps['incidents']['deliverNext']>>;
    try {
      step = await deps.incidents.deliverNext(incidentId, deps.now, (notification, incident, events) => {
        attempt.notification = notification;
        return send(notification, incident, events);
      });
    } catch (error) {
      const { notification } = attempt;
      if (!(error instanceof ChatFailure) || !notification) throw error;
      if (error.failure.kind !== 'permanent') {
        await deps.incidents.recordAttempt(notification.id, error.message);
        throw error;
      }
      const slackError = error.failure.error;
      deps.logger.error('slack refused an incident post for good', { incidentId, key: notification.key, slackError });
      const marked = await deps.incidents.markFailed(notification.id, slackError, {
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
      });
      if (marked.failed) report.failed.push({ notification, error: slackError });
      report.followUpSeq = marked.lastSeq ?? report.followUpSeq;
      continue;
    }
    if (step.kind === 'idle') return report;
    if (step.kind === 'sent') report.sent += 1;
    else report.superseded += 1;
  }
  return report;
}
