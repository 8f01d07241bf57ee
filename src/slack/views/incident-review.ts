import type { IncidentEventView, IncidentView, PageTargets } from '../../incidents/incident.types.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { ids } from '../ids.ts';
import type { SlackMessage } from './assessment-message.ts';
import {
  causeLabel,
  context,
  evidenceLines,
  formatElapsed,
  incidentRef,
  openerLabel,
  pageTargetsText,
  section,
  serviceLabel,
  slackDate,
} from './incident-format.ts';

const actor = (id: string) => (id === 'system' ? 'Readiness' : mentionUser(id));

/** One line per event that belongs in a review; bookkeeping events have none. */
function timelineLine(event: IncidentEventView): string | undefined {
  const { data } = event;
  switch (event.action) {
    case 'incident.opened':
      return `Opened by ${actor(event.actor)} as ${String(data.severity)}`;
    case 'incident.paged': {
      const level = typeof data.level === 'number' ? data.level + 1 : '?';
      const round = typeof data.round === 'number' && data.round > 0 ? ` (round ${data.round + 1})` : '';
      const why = data.trigger === 'timeout' ? ' after nobody acknowledged' : data.trigger === 'manual' ? ` by ${actor(event.actor)}` : '';
      return `Paged level ${level}${round}${why}: ${pageTargetsText(data.targets as PageTargets)}`;
    }
    case 'incident.escalation_superseded':
      return `A pending escalation was superseded (${escapeText(event.reason ?? 'acknowledged first')})`;
    case 'incident.escalation_exhausted':
      return 'Escalation stopped: nobody acknowledged';
    case 'incident.acknowledged':
      return `Acknowledged by ${actor(event.actor)}`;
    case 'incident.severity_changed':
      return `Severity changed from ${String(data.from)} to ${String(data.to)} by ${actor(event.actor)}${event.reason ? ` (“${escapeText(truncate(event.reason, 200))}”)` : ''}`;
    case 'incident.merged':
      return `Reported again: ${escapeText(truncate(event.reason ?? '', 200))}`;
    case 'incident.resolved':
      return `Resolved by ${actor(event.actor)}`;
    case 'incident.notification_failed':
      return `A Slack post could not be delivered (${escapeText(event.reason ?? 'unknown error')})`;
    default:
      return undefined;
  }
}

// Keeps the timeline section under Slack's 3000 characters: the start and the end of a long incident matter most.
const MAX_TIMELINE_LINES = 24;

function timelineText(events: readonly IncidentEventView[]): string {
  const lines = events.flatMap((event) => {
    const line = timelineLine(event);
    return line ? [`• ${slackDate(event.at)} ${line}`] : [];
  });
  const fitted =
    lines.length <= MAX_TIMELINE_LINES
      ? lines
      : [...lines.slice(0, MAX_TIMELINE_LINES / 2), `• …${lines.length - MAX_TIMELINE_LINES} more events…`, ...lines.slice(-MAX_TIMELINE_LINES / 2)];
  return truncate(fitted.join('\n'), 2800);
}

const prompt = (text: string) => `_${text}_`;

/**
 * The post-incident review skeleton posted in the thread on resolve: the timeline and the figures filled in from the
 * record, impact, cause and actions left for the team with what Readiness knows as a start.
 */
export function renderPostIncidentReview(incident: IncidentView, events: readonly IncidentEventView[]): SlackMessage {
  const ref = incidentRef(incident);
  const duration = formatElapsed(incident.timeToResolveSeconds ?? 0);
  const cause = [prompt('What failed, and why? What let it happen?')];
  if (incident.cause) cause.push(`Detected by Readiness after ${causeLabel(incident.cause)}.`);
  if (incident.summary) cause.push(escapeText(truncate(incident.summary, 600)));
  cause.push(...evidenceLines(incident.evidence, 6));
  const b = ids.incident.blocks;
  const blocks = [
    {
      type: 'header',
      block_id: b.reviewHeader,
      text: { type: 'plain_text', text: truncate(`Post-incident review · ${ref} · ${incident.title}`, 150) },
    },
    section(
      b.reviewFacts,
      `*${incident.severity}* · ${serviceLabel(incident)} · opened by ${openerLabel(incident)} · resolved by ${mentionUser(incident.resolvedBy ?? '')}\n` +
        `*Resolution:* ${escapeText(truncate(incident.resolutionSummary ?? '', 1500))}`,
    ),
    section(b.reviewTimeline, `*Timeline*\n${timelineText(events)}`),
    section(
      b.reviewImpact,
      `*Impact*\n${prompt('Who was affected, how badly, and for how long?')}\n` +
        `${incident.severity} (${escapeText(incident.policy.description)}) for ${duration}.`,
    ),
    section(b.reviewCause, `*Cause*\n${cause.join('\n')}`),
    section(b.reviewActions, `*Actions*\n${prompt('What will keep this from happening again? One line each, with an owner and a date.')}\n• \n• `),
    context(
      b.reviewFigures,
      `Time to acknowledge ${formatElapsed(incident.timeToAcknowledgeSeconds ?? 0)} · time to resolve ${duration} · skeleton by Readiness: edit it into your review`,
    ),
  ];
  return { text: `Post-incident review skeleton for ${ref}`, blocks };
}
