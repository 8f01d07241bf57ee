import type { AuditTrailEvent } from '../../status/status.types.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { displayScore } from './assessment-message.ts';
import { decisionWord } from './status-format.ts';

const str = (data: Record<string, unknown>, key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
const num = (data: Record<string, unknown>, key: string) =>
  typeof data[key] === 'number' && Number.isFinite(data[key]) ? (data[key] as number) : undefined;
const bold = (text: string, max = 80) => `*${escapeText(truncate(text, max))}*`;
const role = (data: Record<string, unknown>) => bold(str(data, 'role') ?? 'a role');
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const levelOf = (value: unknown) =>
  typeof value === 'object' && value !== null && typeof (value as { level?: unknown }).level === 'number'
    ? (value as { level: number }).level + 1
    : undefined;

type Describe = (event: AuditTrailEvent) => string;

/** What each recorded action means, in words; `data` is read defensively since older rows may lack a field. */
const DESCRIBE: Record<string, Describe> = {
  'assessment.requested': ({ data }) => {
    const checks = num(data, 'checks');
    return `requested an assessment${checks === undefined ? '' : ` (${plural(checks, 'check')})`}`;
  },
  'assessment.completed': ({ data }) => {
    const score = num(data, 'score');
    return `assessment completed: ${decisionWord(data.verdict)}${score === undefined ? '' : ` (score ${displayScore(score)})`}`;
  },
  'assessment.failed': () => 'assessment could not finish',
  'assessment.rescored': ({ data }) => {
    const score = num(data, 'score');
    return `re-scored the assessment: ${decisionWord(data.from)} → ${decisionWord(data.to)}${score === undefined ? '' : ` (score ${displayScore(score)})`}`;
  },
  'check.attested': ({ data, checkName }) => {
    const attestedRole = str(data, 'role');
    return `attested ${escapeText(truncate(checkName ?? str(data, 'checkId') ?? 'a manual check', 100))}${attestedRole ? ` as ${bold(attestedRole)}` : ''}`;
  },
  'report.posted': () => 'posted the full report in the thread',
  'signoff.requested': ({ data }) => {
    const roles = Array.isArray(data.roles) ? data.roles.filter((value): value is string => typeof value === 'string') : [];
    const carried = num(data, 'carried') ?? 0;
    const from = roles.length > 0 ? ` from ${escapeText(truncate(roles.join(', '), 200))}` : '';
    return `requested sign-off${from}${carried > 0 ? ` (${carried} carried over)` : ''}`;
  },
  'signoff.carried': ({ data }) => {
    const userId = str(data, 'userId');
    return `carried over ${userId ? `${mentionUser(userId)}'s` : 'a'} sign-off as ${role(data)}`;
  },
  'signoff.approved': ({ data }) =>
    data.kind === 'APPROVE_WITH_CONDITIONS' ? `approved with conditions as ${role(data)}` : `approved as ${role(data)}`,
  'signoff.rejected': ({ data }) => `rejected as ${role(data)}`,
  'signoff.decided': ({ data }) => `recorded the decision: ${decisionWord(data.decision)}`,
  'signoff.expired': () => 'closed the sign-off request: it expired',
  'signoff.stale': () => 'marked the sign-off request stale: a newer assessment replaced it',
  'signoff.overridden': ({ data, before }) => {
    // What the override found: the verdict and where sign-off stood. An assessment that never asked for sign-off
    // says so (its request row is created by the override itself, PENDING for an instant: not "was pending").
    const verdict = typeof before?.verdict === 'string' ? decisionWord(before.verdict) : undefined;
    const previousStatus = str(data, 'previousStatus');
    const was = data.previousDecision
      ? decisionWord(data.previousDecision)
      : data.signoffRequested === false
        ? `${verdict ?? 'unknown'}; no sign-off had been requested`
        : previousStatus
          ? `${verdict ? `${verdict}, ` : ''}sign-off ${escapeText(previousStatus.toLowerCase())}`
          : verdict;
    return `:rotating_light: overrode to GO${was ? ` (was ${was})` : ''}`;
  },
  'incident.opened': ({ data }) => {
    const severity = str(data, 'severity');
    const title = str(data, 'title');
    return `opened the incident${severity ? ` (${escapeText(severity)})` : ''}${title ? `: “${escapeText(truncate(title, 150))}”` : ''}`;
  },
  'incident.paged': ({ data }) => {
    const level = num(data, 'level');
    return `paged${level === undefined ? '' : ` level ${level + 1}`}`;
  },
  'incident.acknowledged': () => 'acknowledged the incident',
  'incident.resolved': () => 'resolved the incident',
  'incident.severity_changed': ({ data }) => `changed the severity ${escapeText(str(data, 'from') ?? '?')} → ${escapeText(str(data, 'to') ?? '?')}`,
  'incident.escalated': ({ data }) => {
    const level = levelOf(data.to);
    return `escalated${level === undefined ? '' : ` to level ${level}`}`;
  },
  'incident.escalation_superseded': () => 'stopped the escalation',
  'incident.escalation_exhausted': () => 'stopped escalating: every level was paged',
  'incident.merged': ({ data }) => {
    const occurrence = num(data, 'occurrence');
    return `merged another report into the incident${occurrence === undefined ? '' : ` (occurrence ${occurrence})`}`;
  },
  'incident.notification_failed': () => 'could not deliver a notification',
  'recovery.requeued': () => 'queued work again that a stopped process had left without its job',
  'recovery.rerun': () => 'ran a job again: it had finished without moving the work on',
  'recovery.gave_up': () => 'ended work whose job had failed for good',
};

/** The action of an audit event in words, escaped; an action this version does not know is shown as recorded. */
export function describeAuditAction(event: AuditTrailEvent): string {
  const describe = Object.hasOwn(DESCRIBE, event.action) ? DESCRIBE[event.action] : undefined;
  return describe ? describe(event) : `\`${escapeText(truncate(event.action, 60))}\``;
}
