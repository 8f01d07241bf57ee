import type { AssessmentView } from '../../assessments/assessment.types.ts';
import type { Verdict } from '../../readiness/score.ts';
import type { ReportDocument } from '../../reports/report-document.ts';
import type { RequestReportResult } from '../../reports/request-report.ts';
import { shortId } from '../../reports/assessment-reference.ts';
import type { ReportRequest } from '../../reports/report.ports.ts';
import { escapeText, mentionUser } from '../escape.ts';
import { messages } from '../messages.ts';
import { displayScore } from './assessment-message.ts';

const VERDICT_WORD: Record<Verdict, string> = { GO: 'GO', GO_WITH_CAUTION: 'GO WITH CAUTION', NO_GO: 'NO-GO' };

/** A channel id as stored (validated when the command arrived) becomes a channel link; anything else is shown as text. */
const channelLink = (channelId: string) => (/^[CDG][A-Z0-9]+$/.test(channelId) ? `<#${channelId}>` : escapeText(channelId));

const target = (assessment: { service: string; environment: string }) =>
  `*${escapeText(assessment.service)} → ${escapeText(assessment.environment)}*`;
const reference = (id: string) => `\`${escapeText(shortId(id))}\``;

/** Shown with the files in the thread. */
export function reportComment(report: ReportDocument, request: Pick<ReportRequest, 'key' | 'requestedBy'>): string {
  const what = `the full report of ${target({ service: report.service, environment: report.env })} (assessment ${reference(report.assessment.id)})`;
  const verdict = `*${VERDICT_WORD[report.verdict]}*, score ${displayScore(report.score)} / 100`;
  if (request.key === 'overflow') {
    return `:page_facing_up: The message above cannot list every check that needs attention, so here is ${what}: ${verdict}, every check with its evidence.`;
  }
  return `:page_facing_up: Here is ${what}, as ${mentionUser(request.requestedBy)} asked: ${verdict}, every check with its evidence.`;
}

function running(assessment: AssessmentView): string {
  const done = assessment.checks.filter((check) => check.status !== 'PENDING').length;
  return (
    `Assessment ${reference(assessment.id)} of ${target(assessment)} is still running (${done} of ${assessment.checks.length} checks done). ` +
    'Its report will be available when it finishes — the message will show the verdict; ask again then.'
  );
}

/** The ephemeral answer to `/readiness report <assessment>`. */
export function reportRequestAnswer(result: RequestReportResult, typed: string): string {
  if (result.ok) {
    return `:page_facing_up: Posting the full report of ${target(result.assessment)} (assessment ${reference(result.assessment.id)}) in the thread of its message in ${channelLink(result.assessment.channelId)}.`;
  }
  switch (result.reason) {
    case 'not_found':
    case 'ambiguous':
      return messages.assessmentNotResolved(result, typed, 'report');
    case 'still_running':
      return running(result.assessment);
    case 'could_not_finish':
      return (
        `Assessment ${reference(result.assessment.id)} of ${target(result.assessment)} could not finish ` +
        `(${escapeText(result.assessment.failureReason ?? 'unknown reason')}), so it has no verdict to report. ` +
        `Run \`/readiness run ${escapeText(result.assessment.service)} ${escapeText(result.assessment.environment)}\` to assess again.`
      );
    case 'no_message':
      return `Assessment ${reference(result.assessment.id)} of ${target(result.assessment)} has no message in Slack (it could not be posted), so there is no thread to post its report in.`;
    case 'unavailable':
      return messages.unavailable(result.dependency, result.detail);
  }
}
