import type { AuditPage, AuditTrailEvent } from '../../status/status.types.ts';
import { escapeText, truncate } from '../escape.ts';
import type { SlackMessage } from './assessment-message.ts';
import { describeStateChange } from './audit-change.ts';
import { describeAuditAction } from './status-audit-actions.ts';
import { actorText, oneLine, shortRef, targetText, utcSecond } from './status-format.ts';

// Lines are packed into sections up to Slack's 3000 characters; every part of a line is bounded well below that.
const SECTION_TEXT = 3000;
const REASON_CHARS = 300;

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_TEXT) } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

const auditCommand = (service: string, environment: string | null, page?: number) =>
  `\`/readiness audit ${escapeText(service)}${environment === null ? '' : ` ${escapeText(environment)}`}${page === undefined ? '' : ` ${page}`}\``;

function subjectText(event: AuditTrailEvent): string {
  if (event.subjectType === 'incident') return event.incidentNumber === null ? 'incident' : `INC-${event.incidentNumber}`;
  if (event.subjectType === 'signoff_request') return `sign-off of ${shortRef(event.assessmentId ?? event.subjectId)}`;
  return `assessment ${shortRef(event.subjectId)}`;
}

/** One event: when (UTC), where, who, what, about what, what it changed (before → after), and why. */
export function auditLine(event: AuditTrailEvent, showEnvironment: boolean): string {
  const where = !showEnvironment ? '' : event.environment === null ? ' · _whole service_' : ` · *${escapeText(event.environment)}*`;
  const reason = event.reason ? ` — “${escapeText(truncate(oneLine(event.reason), REASON_CHARS))}”` : '';
  const change = describeStateChange(event.before, event.after);
  return `\`${utcSecond(event.at)}\`${where} · ${actorText(event.actor)} ${describeAuditAction(event)} (${subjectText(event)})${change ? ` · ${change}` : ''}${reason}`;
}

/** Packs lines into as few section texts as fit, never splitting a line. */
function packLines(lines: readonly string[]): string[] {
  const texts: string[] = [];
  let current = '';
  for (const line of lines) {
    const bounded = truncate(line, SECTION_TEXT);
    if (current !== '' && current.length + 1 + bounded.length > SECTION_TEXT) {
      texts.push(current);
      current = '';
    }
    current = current === '' ? bounded : `${current}\n${bounded}`;
  }
  if (current !== '') texts.push(current);
  return texts;
}

function pagingText(page: AuditPage): string {
  if (page.pages === 1) return `All ${page.total} event${page.total === 1 ? '' : 's'}, newest first.`;
  if (page.page < page.pages) return `Page ${page.page} of ${page.pages} — ${auditCommand(page.service, page.environment, page.page + 1)} for more.`;
  return `Page ${page.page} of ${page.pages}: the oldest events.`;
}

function nothingRecorded(service: string, environment: string | null): SlackMessage {
  const run = `\`/readiness run ${escapeText(service)} ${environment === null ? '&lt;environment&gt;' : escapeText(environment)}\``;
  const text = `Nothing is recorded for ${targetText(service, environment)} yet: no assessment, sign-off or incident. Start with ${run}.`;
  return { text, blocks: [section(text)] };
}

/** The ephemeral answer to `/readiness audit`: one page of the trail, newest first, and how to see the next. */
export function renderAuditPage(page: AuditPage): SlackMessage {
  if (page.total === 0 || page.events.length === 0) return nothingRecorded(page.service, page.environment);
  const where =
    page.environment === null ? `${escapeText(page.service)}* (every environment)` : `${escapeText(page.service)} → ${escapeText(page.environment)}*`;
  const header = `:scroll: *Audit trail of ${where} — ${page.total} event${page.total === 1 ? '' : 's'}, newest first, times in UTC`;
  const lines = page.events.map((event) => auditLine(event, page.environment === null));
  return {
    text: `Audit trail of ${escapeText(page.service)}${page.environment === null ? '' : ` → ${escapeText(page.environment)}`}: page ${page.page} of ${page.pages}`,
    blocks: [section(header), ...packLines(lines).map(section), context(pagingText(page))],
  };
}

/** A page past the last: how many there are, and the command for the oldest. */
export function auditBeyondLastPage(input: { service: string; environment: string | null; page: number; pages: number; total: number }): string {
  if (input.total === 0) return nothingRecorded(input.service, input.environment).text;
  return (
    `There is no page ${input.page}: the audit trail of ${targetText(input.service, input.environment)} has ${input.pages} page${input.pages === 1 ? '' : 's'} ` +
    `(${input.total} events). ${auditCommand(input.service, input.environment, input.pages)} shows the oldest.`
  );
}
