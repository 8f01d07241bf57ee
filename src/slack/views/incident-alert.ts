import { pathOf, type IncidentEventView, type IncidentView, type PageTargets } from '../../incidents/incident.types.ts';
import { nextStep, loweredSeverity, raisedSeverity } from '../../incidents/severity-policy.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { ids } from '../ids.ts';
import type { SlackMessage } from './assessment-message.ts';
import { button } from './block-elements.ts';
import {
  context,
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

const blocks = ids.incident.blocks;

function statusLine(incident: IncidentView): string {
  switch (incident.status) {
    case 'OPEN':
      return `:rotating_light: *Open* — not acknowledged · respond within *${formatTimeout(incident.policy.respondWithinMs)}*`;
    case 'ACKNOWLEDGED':
      return `:eyes: *Acknowledged* by ${mentionUser(incident.acknowledgedBy ?? '')} after ${formatElapsed(incident.timeToAcknowledgeSeconds ?? 0)}`;
    case 'RESOLVED':
      return (
        `:white_check_mark: *Resolved* by ${mentionUser(incident.resolvedBy ?? '')} after ${formatElapsed(incident.timeToResolveSeconds ?? 0)}` +
        ` · acknowledged after ${formatElapsed(incident.timeToAcknowledgeSeconds ?? 0)}`
      );
  }
}

function runbookText(incident: IncidentView): string {
  if (incident.runbookUrl) return `<${incident.runbookUrl}|${incident.kind} runbook>`;
  return `none for \`${incident.kind}\` (set \`incidents.runbooks.${incident.kind}\`)`;
}

function latestPage(events: readonly IncidentEventView[]): PageTargets | undefined {
  const paged = events.filter((event) => event.action === 'incident.paged').at(-1);
  return paged?.data.targets as PageTargets | undefined;
}

/** Who is being paged now and what happens next; nothing once someone has it. */
function pagingLine(incident: IncidentView, events: readonly IncidentEventView[]): string | undefined {
  if (incident.status !== 'OPEN') return undefined;
  if (incident.policy.levels.length === 0) return `:ticket: *Ticket queue* — ${incident.severity} pages no one; pick it up from here.`;
  const targets = latestPage(events);
  const who = targets ? pageTargetsText(targets) : 'nobody yet';
  const path = pathOf(incident.policy);
  const paging = `:pager: Paging ${levelLabel(path, incident)}: ${who}`;
  if (incident.escalationDueAt) {
    const next = nextStep(incident.policy, incident);
    const then = next ? `next: ${levelLabel(path, next)}` : 'the last level';
    return `${paging}\nUnacknowledged at ${slackDate(incident.escalationDueAt)} → ${then}`;
  }
  return `${paging}\n:warning: Escalation stopped: nobody acknowledged after ${incident.policy.repeat + 1} round(s). Still open.`;
}

function actionButtons(incident: IncidentView): Record<string, unknown>[] {
  if (incident.status === 'RESOLVED') return [];
  const buttons: Record<string, unknown>[] = [];
  if (incident.status === 'OPEN') buttons.push(button(ids.incident.acknowledge, 'Acknowledge', incident.id, 'primary'));
  if (nextStep(incident.policy, incident)) {
    buttons.push(button(ids.incident.escalate, 'Escalate', `${incident.id}/${incident.plan}/${incident.level}/${incident.round}`));
  }
  const raised = raisedSeverity(incident.severity);
  if (raised) buttons.push(button(ids.incident.raise, `Raise to ${raised}`, `${incident.id}/${incident.severity}/${raised}`));
  const lowered = loweredSeverity(incident.severity);
  if (lowered) buttons.push(button(ids.incident.lower, `Lower to ${lowered}`, `${incident.id}/${incident.severity}/${lowered}`));
  buttons.push(button(ids.incident.resolve, 'Resolve', incident.id, 'danger'));
  return [{ type: 'actions', block_id: blocks.actions, elements: buttons }];
}

const STATUS_WORD = { OPEN: 'open', ACKNOWLEDGED: 'acknowledged', RESOLVED: 'resolved' } as const;

/** The alert in the incidents channel, as a pure function of the incident and its events. */
export function renderIncidentAlert(incident: IncidentView, events: readonly IncidentEventView[]): SlackMessage {
  const title = escapeText(incident.title);
  const out: Record<string, unknown>[] = [
    {
      type: 'header',
      block_id: blocks.header,
      text: { type: 'plain_text', text: truncate(`${incident.severity} · ${incidentRef(incident)} · ${incident.title}`, 150) },
    },
    section(blocks.status, statusLine(incident)),
    {
      type: 'section',
      block_id: blocks.details,
      fields: [
        { type: 'mrkdwn', text: `*Severity*\n${SEVERITY_ICON[incident.severity]} ${incident.severity} — ${escapeText(incident.policy.description)}` },
        { type: 'mrkdwn', text: `*Service*\n${serviceLabel(incident)}` },
        { type: 'mrkdwn', text: `*Opened by*\n${openerLabel(incident)} · ${slackDate(incident.createdAt)}` },
        { type: 'mrkdwn', text: `*Runbook*\n${runbookText(incident)}` },
      ],
    },
  ];
  if (incident.summary) out.push(section(blocks.summary, `*What happened*\n${escapeText(truncate(incident.summary, 1500))}`));
  const evidence = evidenceLines(incident.evidence);
  if (evidence.length > 0) out.push(section(blocks.evidence, `*Evidence*\n${evidence.join('\n')}`));
  const paging = pagingLine(incident, events);
  if (paging) out.push(section(blocks.paging, paging));
  const people: string[] = [];
  if (incident.stakeholders.length > 0) people.push(`Stakeholders: ${incident.stakeholders.map(mentionUser).join(', ')}`);
  if (incident.occurrences > 1) people.push(`Reported ${incident.occurrences} times`);
  if (people.length > 0) out.push(context(blocks.people, people.join(' · ')));
  out.push(...actionButtons(incident));
  out.push(context(blocks.footer, `${incidentRef(incident)} · incident \`${incident.id.slice(0, 8)}\` · the thread below is the timeline`));
  return { text: `${incident.severity} incident ${incidentRef(incident)}: ${title} (${STATUS_WORD[incident.status]})`, blocks: out };
}
