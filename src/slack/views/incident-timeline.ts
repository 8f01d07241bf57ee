import type { IncidentView, TimelineEvent } from '../../incidents/incident.types.ts';
import { levelTimeoutMs } from '../../incidents/severity-policy.ts';
import { severityRank } from '../../incidents/severity-policy.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { ids } from '../ids.ts';
import type { SlackMessage } from './assessment-message.ts';
import { button } from './block-elements.ts';
import {
  evidenceLines,
  formatElapsed,
  formatTimeout,
  incidentRef,
  levelLabel,
  openerLabel,
  pageTargetsText,
  section,
  serviceLabel,
  SEVERITY_ICON,
  slackDate,
} from './incident-format.ts';

const textOnly = (text: string): SlackMessage => ({ text: truncate(text, 3900), blocks: [] });

const headline = (incident: IncidentView) =>
  `${SEVERITY_ICON[incident.severity]} *${incident.severity} ${incidentRef(incident)}* — ${escapeText(incident.title)}`;

/** The first post in a mirrored thread (a deployment's): what was opened, why, and where the timeline is. */
function openedPost(incident: IncidentView): string {
  const lines = [
    `:rotating_light: *Incident opened* — ${headline(incident)}`,
    `Service: ${serviceLabel(incident)} · opened by ${openerLabel(incident)}`,
  ];
  if (incident.summary) lines.push(escapeText(truncate(incident.summary, 1000)));
  const evidence = evidenceLines(incident.evidence, 6);
  if (evidence.length > 0) lines.push('*Evidence*', ...evidence);
  lines.push(`The alert and the full timeline are in <#${incident.channelId}>; every page, acknowledgement and resolution is posted here too.`);
  if (incident.stakeholders.length > 0) lines.push(`cc ${incident.stakeholders.map(mentionUser).join(' ')} (approvers of this release)`);
  return lines.join('\n');
}

/** One entry of the incident's timeline, posted in its thread and in every mirrored thread. */
export function renderTimelineEntry(event: TimelineEvent, incident: IncidentView): SlackMessage {
  switch (event.type) {
    case 'opened':
      return textOnly(openedPost(incident));
    case 'paged': {
      const level = levelLabel(event.path, event.step);
      const who = pageTargetsText(event.targets);
      switch (event.trigger) {
        case 'open':
          return textOnly(`:pager: Paging ${level}: ${who}`);
        case 'timeout':
          return textOnly(
            `:arrow_double_up: Not acknowledged within ${formatTimeout(event.waitedMs ?? levelTimeoutMs(incident.policy, event.step.level))} — escalating to ${level}: ${who}`,
          );
        case 'manual':
          return textOnly(`:arrow_double_up: ${mentionUser(event.by)} escalated to ${level}: ${who}`);
        case 'severity':
          return textOnly(`:pager: Now ${event.path.severity}: paging ${level}: ${who}`);
      }
      break;
    }
    case 'no_one_to_page':
      return textOnly(`:ticket: ${event.severity} incidents page no one: this alert waits in the channel for someone to pick it up.`);
    case 'exhausted':
      return textOnly(
        `:warning: Nobody acknowledged after ${event.rounds} round(s) of the escalation path, so paging has stopped. The incident stays open.`,
      );
    case 'superseded': {
      const who = event.by ? mentionUser(event.by) : 'someone';
      const due = event.dueAt ? ` due at ${slackDate(new Date(event.dueAt))}` : '';
      const what = event.status === 'ACKNOWLEDGED' ? 'acknowledged' : 'resolved';
      return textOnly(`:information_source: The escalation${due} was superseded: ${who} ${what} first, so nobody else was paged.`);
    }
    case 'acknowledged':
      return textOnly(`:eyes: Acknowledged by ${mentionUser(event.by)} after ${formatElapsed(event.afterSeconds)} — escalation stopped.`);
    case 'severity_changed': {
      const verb = severityRank(event.to) < severityRank(event.from) ? 'raised' : 'lowered';
      const icon = verb === 'raised' ? ':arrow_up:' : ':arrow_down:';
      const by = event.by === 'system' ? 'Readiness (a more severe report came in)' : mentionUser(event.by);
      const restart = event.restarted
        ? ` Escalation restarts with the ${event.to} path (respond within ${formatTimeout(event.respondWithinMs)}).`
        : '';
      // The bot's own reason (a more severe report merged in) is already said by `by`; a person's is shown.
      const reason = event.reason && event.by !== 'system' ? ` Reason: “${escapeText(truncate(event.reason, 500))}”` : '';
      return textOnly(`${icon} Severity ${verb} from ${event.from} to ${event.to} by ${by}.${reason}${restart}`);
    }
    case 'merged': {
      const evidence = evidenceLines(event.evidence, 6);
      return textOnly(
        [`:repeat: Reported again (occurrence ${event.occurrence}): ${escapeText(truncate(event.summary, 1000))}`, ...evidence].join('\n'),
      );
    }
    case 'resolved':
      return textOnly(
        `:white_check_mark: Resolved by ${mentionUser(event.by)}: “${escapeText(truncate(event.summary, 1500))}”\n` +
          `Time to acknowledge ${formatElapsed(event.acknowledgeSeconds)} · time to resolve ${formatElapsed(event.resolveSeconds)}`,
      );
    case 'delivery_failed': {
      const what =
        event.destination === 'dm' && event.channel
          ? `send the page DM to ${mentionUser(event.channel)}`
          : `post the timeline in <#${event.channel ?? ''}>`;
      return textOnly(`:warning: Could not ${what}: Slack answered \`${escapeText(event.error)}\`. Reach them another way.`);
    }
    case 'alert':
    case 'page_dm':
    case 'review':
      break;
  }
  throw new Error(`timeline event ${event.type} is not a thread post`);
}

/** The DM a page sends: what, how urgent, where to look, and a button to take it. */
export function renderPageDm(event: Extract<TimelineEvent, { type: 'page_dm' }>, incident: IncidentView): SlackMessage {
  const level = levelLabel(event.path, event.step);
  const lines = [
    `:pager: *You are paged* (${level}) for ${headline(incident)}`,
    `Service: ${serviceLabel(incident)} · opened by ${openerLabel(incident)} · respond within *${formatTimeout(event.path.respondWithinMs)}*`,
    `Alert and timeline: <#${incident.channelId}>${incident.runbookUrl ? ` · <${incident.runbookUrl}|runbook>` : ''}`,
  ];
  return {
    text: `You are paged for ${incident.severity} incident ${incidentRef(incident)}: ${escapeText(incident.title)}`,
    blocks: [
      section(ids.incident.blocks.status, lines.join('\n')),
      { type: 'actions', block_id: ids.incident.blocks.actions, elements: [button(ids.incident.acknowledge, 'Acknowledge', incident.id, 'primary')] },
    ],
  };
}
