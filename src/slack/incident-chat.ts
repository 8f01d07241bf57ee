import type { WebClient } from '@slack/web-api';
import type { IncidentChat } from '../incidents/incident-chat.ts';
import type { PendingNotification, PostedMessage } from '../incidents/incident.ports.ts';
import type { IncidentEventView, IncidentView, TimelineEvent } from '../incidents/incident.types.ts';
import { incidentPoster, type IncidentPoster } from './incident-poster.ts';
import { renderIncidentAlert } from './views/incident-alert.ts';
import { renderPostIncidentReview } from './views/incident-review.ts';
import { renderPageDm, renderTimelineEntry } from './views/incident-timeline.ts';

function threadMessage(event: TimelineEvent, incident: IncidentView, events: IncidentEventView[]) {
  return event.type === 'review' ? renderPostIncidentReview(incident, events) : renderTimelineEntry(event, incident);
}

async function updateAlert(poster: IncidentPoster, incident: IncidentView, events: IncidentEventView[]): Promise<PostedMessage | undefined> {
  // The alert never made it (Slack refused it): there is nothing to update.
  if (!incident.messageTs) return undefined;
  await poster.update({ channel: incident.channelId, ts: incident.messageTs, ...renderIncidentAlert(incident, events) });
  return { channel: incident.channelId, ts: incident.messageTs };
}

/** Renders one notification from the incident's state as it is now, and posts it. */
async function deliver(
  poster: IncidentPoster,
  notification: PendingNotification,
  incident: IncidentView,
  events: IncidentEventView[],
): Promise<PostedMessage | undefined> {
  const { event } = notification;
  switch (notification.destination) {
    case 'alert':
      return poster.post({ channel: incident.channelId, ...renderIncidentAlert(incident, events) });
    case 'alert_update':
      return updateAlert(poster, incident, events);
    case 'incident_thread':
      return poster.post({ channel: incident.channelId, threadTs: incident.messageTs ?? undefined, ...threadMessage(event, incident, events) });
    case 'thread':
      return poster.post({
        channel: notification.channel ?? '',
        threadTs: notification.threadTs ?? undefined,
        ...threadMessage(event, incident, events),
      });
    case 'dm':
      if (event.type !== 'page_dm') throw new Error(`a DM carries a page, not ${event.type}`);
      return poster.post({ channel: notification.channel ?? '', ...renderPageDm(event, incident) });
  }
}

/** Incident notifications posted through the Web API client; every failure comes out as a ChatFailure. */
export function incidentChat(client: Pick<WebClient, 'chat'>): IncidentChat {
  const poster = incidentPoster(client);
  return { deliver: (notification, incident, events) => deliver(poster, notification, incident, events) };
}
