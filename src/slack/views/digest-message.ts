import type { AttentionItem, Digest, DigestCheckFailures, DigestTargetRow, DigestTotals } from '../../digests/digest.types.ts';
import { formatElapsed } from '../../shared/duration.ts';
import { escapeText, truncate } from '../escape.ts';
import { displayScore, type SlackMessage } from './assessment-message.ts';
import { decisionWord, fitLines, oneLine, shortRef, targetText, untilText, utcMinute } from './status-format.ts';

const VERDICT_ICON: Record<string, string> = { GO: ':large_green_circle:', GO_WITH_CAUTION: ':large_yellow_circle:', NO_GO: ':red_circle:' };
const TITLE_CHARS = 120;
const INCIDENT_TITLE_CHARS = 120;

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] });
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

function glanceText(totals: DigestTotals): string {
  const { verdicts } = totals;
  const notFinished = [
    totals.unfinished > 0 ? `${totals.unfinished} could not finish` : '',
    totals.unassessable > 0 ? `${totals.unassessable} could not assess (our outage, no verdict)` : '',
  ].filter(Boolean);
  const unfinished = notFinished.length > 0 ? ` (${notFinished.join(', ')})` : '';
  const assessments =
    totals.assessments === 0
      ? `• *Assessments:* none${unfinished}`
      : `• *Assessments:* ${totals.assessments} — ${VERDICT_ICON.GO} ${verdicts.GO} GO · ${VERDICT_ICON.GO_WITH_CAUTION} ${verdicts.GO_WITH_CAUTION} GO WITH CAUTION · ${VERDICT_ICON.NO_GO} ${verdicts.NO_GO} NO-GO${unfinished}`;
  const failureRate = totals.changeFailureRate === null ? '' : ` · change failure rate ${percent(totals.changeFailureRate)}`;
  const deployments =
    totals.deployments === 0
      ? '• *Deployments:* none'
      : `• *Deployments:* ${totals.deployments} — ${totals.deploymentsSucceeded} succeeded, ${totals.deploymentsFailed} failed or rolled back${failureRate}`;
  const times = [
    totals.medianTimeToAcknowledgeSeconds === null ? null : `median time to acknowledge ${formatElapsed(totals.medianTimeToAcknowledgeSeconds)}`,
    totals.medianTimeToResolveSeconds === null ? null : `to resolve ${formatElapsed(totals.medianTimeToResolveSeconds)}`,
  ].filter((part) => part !== null);
  const incidents = `• *Incidents:* ${totals.incidentsOpened} opened, ${totals.incidentsOpenNow} open now${times.length > 0 ? ` · ${times.join(', ')}` : ''}`;
  return [assessments, deployments, incidents].join('\n');
}

function attentionLine(item: AttentionItem, now: Date): string {
  switch (item.kind) {
    case 'open_incident': {
      const { incident } = item;
      const where = incident.service === null ? '' : ` (${targetText(incident.service, incident.environment)})`;
      const state = incident.status === 'ACKNOWLEDGED' ? 'acknowledged' : '*not acknowledged*';
      const title = escapeText(truncate(oneLine(incident.title), INCIDENT_TITLE_CHARS));
      return `:rotating_light: *${incident.severity}* incident #${incident.number} “${title}”${where} — ${state}, open for ${untilText(incident.createdAt, now)}`;
    }
    case 'no_go': {
      const score = item.assessment.score === null ? '' : `, score ${displayScore(item.assessment.score)}`;
      return `${VERDICT_ICON.NO_GO} ${targetText(item.target.service, item.target.environment)} is *NO-GO*${score} (assessment ${shortRef(item.assessment.id)}, ${utcMinute(item.assessment.finishedAt)})`;
    }
    case 'rolled_back':
    case 'deployment_failed': {
      const { deployment } = item;
      const version = deployment.version === null ? '' : ` ${escapeText(deployment.version)}`;
      const what =
        item.kind === 'rolled_back'
          ? deployment.status === 'ROLLBACK_FAILED'
            ? '*rollback failed*'
            : 'was *rolled back*'
          : `*${decisionWord(deployment.status).toLowerCase()}*`;
      return `:leftwards_arrow_with_hook: Deployment${version} of ${targetText(deployment.service, deployment.environment)} ${what} (${utcMinute(deployment.finishedAt ?? deployment.createdAt)})`;
    }
    case 'signoff_pending':
      return `:ballot_box_with_check: Sign-off pending for ${targetText(item.signoff.service, item.signoff.environment)} (assessment ${shortRef(item.signoff.assessmentId)}), expires in ${untilText(now, item.signoff.expiresAt)}`;
    case 'not_assessed':
      return item.lastAssessedAt === null
        ? `:zzz: ${targetText(item.target.service, item.target.environment)} has never been assessed`
        : `:zzz: ${targetText(item.target.service, item.target.environment)} not assessed since ${utcMinute(item.lastAssessedAt)}`;
  }
}

function trendText(change: number | null): string {
  if (change === null || Math.abs(change) < 0.05) return '';
  return change > 0 ? ` (▲ ${displayScore(change)})` : ` (▼ ${displayScore(-change)})`;
}

function targetLine(row: DigestTargetRow): string {
  const head = targetText(row.service, row.environment);
  if (row.latest === null) return `:white_circle: ${head} — never assessed`;
  const verdict = row.latest.verdict ?? 'NO_GO';
  const score = row.latest.score === null ? '' : ` ${displayScore(row.latest.score)}`;
  const runs = row.assessed === 0 ? `last assessed ${utcMinute(row.latest.finishedAt)}` : plural(row.assessed, 'assessment');
  const { succeeded, failed, active } = row.deployments;
  const deploys =
    succeeded + failed + active === 0 ? '' : ` · ${plural(succeeded + failed + active, 'deployment')}${failed > 0 ? ` (${failed} failed)` : ''}`;
  return `${VERDICT_ICON[verdict] ?? ':white_circle:'} ${head} — ${decisionWord(verdict)}${score}${trendText(row.scoreChange)} · ${runs}${deploys}`;
}

const failureLine = (check: DigestCheckFailures) =>
  `• ${targetText(check.service, check.environment)} \`${escapeText(check.checkId)}\` ${escapeText(truncate(oneLine(check.name), 100))} — did not pass ${check.failures} of ${check.runs} times`;

/** The notification text: what the digest found, in one line. */
function summaryText(digest: Digest): string {
  const { totals } = digest;
  const attention =
    digest.attention.length === 0
      ? 'nothing needs attention'
      : `${plural(digest.attention.length, 'item')} need${digest.attention.length === 1 ? 's' : ''} attention`;
  return `${escapeText(truncate(digest.title, TITLE_CHARS))}: ${plural(totals.assessments, 'assessment')}, ${plural(totals.deployments, 'deployment')}, ${plural(totals.incidentsOpened, 'incident')} — ${attention}`;
}

/**
 * The digest as one Slack message: the period, the totals at a glance, what needs attention (most urgent first),
 * every covered service's latest verdict with its trend, and the checks that keep failing. Lists that do not fit
 * a section end in a count of what was left out. Pure; `now` only words durations ("open for 3h").
 */
export function renderDigestMessage(digest: Digest, now: Date): SlackMessage {
  const attention = digest.attention.map((item) => attentionLine(item, now));
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(digest.title, TITLE_CHARS), emoji: true } },
    context(
      `${utcMinute(digest.period.from)} → ${utcMinute(digest.period.to)} · digest \`${escapeText(digest.name)}\` · ${plural(new Set(digest.targets.map((t) => t.service)).size, 'service')}, ${plural(digest.targets.length, 'environment')} in all`,
    ),
    section(glanceText(digest.totals)),
    section(attention.length === 0 ? ':white_check_mark: *Nothing needs attention.*' : fitLines(['*Needs attention*', ...attention])),
  ];
  if (digest.targets.length > 0) blocks.push(section(fitLines(['*Services*', ...digest.targets.map(targetLine)])));
  if (digest.recurringFailures.length > 0)
    blocks.push(section(fitLines(['*Checks that keep failing*', ...digest.recurringFailures.map(failureLine)])));
  blocks.push(
    context(
      `\`/readiness status &lt;service&gt; &lt;environment&gt;\` shows one in full; \`/readiness digest ${escapeText(digest.name)}\` shows this digest as of now, only to you.`,
    ),
  );
  return { text: summaryText(digest), blocks };
}
