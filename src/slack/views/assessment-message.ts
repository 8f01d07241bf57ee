import type { AssessmentView, CheckResultView } from '../../assessments/assessment.types.ts';
import { scoreAssessment, type CheckStatus, type Verdict } from '../../readiness/score.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { ids } from '../ids.ts';

export interface SlackMessage {
  /** The notification and screen-reader text. */
  text: string;
  blocks: Record<string, unknown>[];
}

const STATUS_ICON: Record<CheckStatus, string> = {
  PENDING: ':hourglass_flowing_sand:',
  PASS: ':white_check_mark:',
  WARN: ':warning:',
  FAIL: ':x:',
  ERROR: ':exclamation:',
  SKIPPED: ':fast_forward:',
};

const VERDICT_LINE: Record<Verdict, string> = {
  GO: ':large_green_circle: *GO*',
  GO_WITH_CAUTION: ':large_yellow_circle: *GO WITH CAUTION*',
  NO_GO: ':red_circle: *NO-GO*',
};

const VERDICT_WORD: Record<Verdict, string> = { GO: 'GO', GO_WITH_CAUTION: 'GO WITH CAUTION', NO_GO: 'NO-GO' };

// Slack rejects section text over 3000 characters; keep a margin for the "and N more" line.
const SECTION_LIMIT = 2900;

const section = (blockId: string, text: string) => ({
  type: 'section',
  block_id: blockId,
  text: { type: 'mrkdwn', text: truncate(text, 3000) },
});

function checkLine(check: CheckResultView): string {
  const name = `*${escapeText(check.name)}*`;
  const detail = check.message ? ` — ${escapeText(truncate(check.message, 300))}` : '';
  return `${STATUS_ICON[check.status]} ${name}${detail}`;
}

/** As many lines as fit in one section, then a count of the rest. */
function fitLines(lines: string[], overflowLabel: (hidden: number) => string): string {
  const shown: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const reserve = index < lines.length - 1 ? 60 : 0;
    if (length + line.length + 1 + reserve > SECTION_LIMIT) {
      shown.push(overflowLabel(lines.length - index));
      break;
    }
    shown.push(line);
    length += line.length + 1;
  }
  return shown.join('\n');
}

function statusLine(view: AssessmentView): string {
  const done = view.checks.filter((check) => check.status !== 'PENDING').length;
  switch (view.status) {
    case 'QUEUED':
    case 'RUNNING':
      return `:hourglass_flowing_sand: *Assessing…* ${done} of ${view.checks.length} checks done`;
    case 'FAILED':
      return `:x: *The assessment could not finish:* ${escapeText(view.failureReason ?? 'unknown reason')}`;
    case 'COMPLETED': {
      const verdict = view.verdict ?? 'NO_GO';
      return `${VERDICT_LINE[verdict]} · readiness score *${(view.score ?? 0).toFixed(1)}* / 100`;
    }
  }
}

function checksSection(view: AssessmentView): string {
  if (view.status !== 'COMPLETED') {
    return fitLines(view.checks.map(checkLine), (hidden) => `…and ${hidden} more checks`);
  }
  // Once decided, what needs attention comes first and passing checks fold into a count.
  const attention = view.checks.filter((check) => check.status !== 'PASS' && check.status !== 'SKIPPED');
  const passed = view.checks.length - attention.length;
  const lines = attention.map(checkLine);
  if (passed > 0) lines.push(`${STATUS_ICON.PASS} ${passed} check${passed === 1 ? '' : 's'} passed`);
  return fitLines(lines, (hidden) => `…and ${hidden} more (see the full report)`);
}

function plainText(view: AssessmentView): string {
  const target = `${view.service} → ${view.environment}`;
  if (view.status === 'COMPLETED') return `Readiness ${target}: ${VERDICT_WORD[view.verdict ?? 'NO_GO']}`;
  if (view.status === 'FAILED') return `Readiness ${target}: the assessment could not finish`;
  return `Readiness ${target}: assessing…`;
}

/** The assessment message, as a pure function of the database state. */
export function renderAssessmentMessage(view: AssessmentView): SlackMessage {
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      block_id: ids.blocks.assessmentHeader,
      text: { type: 'plain_text', text: truncate(`Readiness · ${view.service} → ${view.environment}`, 150) },
    },
    section(ids.blocks.assessmentStatus, statusLine(view)),
  ];
  if (view.status === 'COMPLETED') {
    const { blockers } = scoreAssessment(view.checks);
    if (blockers.length > 0) {
      const lines = blockers.map((blocker) => `• ${escapeText(truncate(blocker.reason, 400))}`);
      blocks.push(section(ids.blocks.assessmentBlockers, `*Blockers*\n${fitLines(lines, (hidden) => `…and ${hidden} more blockers`)}`));
    }
  }
  if (view.checks.length > 0) blocks.push(section(ids.blocks.assessmentChecks, checksSection(view)));
  blocks.push({
    type: 'context',
    block_id: ids.blocks.assessmentFooter,
    elements: [
      {
        type: 'mrkdwn',
        text: `Requested by ${mentionUser(view.requestedBy)} · assessment \`${view.id.slice(0, 8)}\``,
      },
    ],
  });
  return { text: plainText(view), blocks };
}
