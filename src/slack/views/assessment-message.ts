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

function checkLine(check: CheckResultView, finished: boolean): string {
  // A check left PENDING by an assessment that stopped will never run: do not show it as in progress.
  const icon = finished && check.status === 'PENDING' ? ':black_square_for_stop:' : STATUS_ICON[check.status];
  const name = `*${escapeText(check.name)}*`;
  const detail = check.message ? ` — ${escapeText(truncate(check.message, 300))}` : '';
  return `${icon} ${name}${detail}`;
}

/** A line of the section, and how many checks it stands for (a summary line stands for many). */
interface Line {
  text: string;
  count: number;
}

/** As many lines as fit in one section, then a count of the checks behind the rest. */
function fitLines(lines: Line[], overflowLabel: (hidden: number) => string): string {
  const shown: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const reserve = index < lines.length - 1 ? 60 : 0;
    if (length + line.text.length + 1 + reserve > SECTION_LIMIT) {
      const hidden = lines.slice(index).reduce((sum, rest) => sum + rest.count, 0);
      shown.push(overflowLabel(hidden));
      break;
    }
    shown.push(line.text);
    length += line.text.length + 1;
  }
  return shown.join('\n');
}

const oneCheck = (text: string): Line => ({ text, count: 1 });

/** Rounded down, so a score shown as 95.0 never sits beside a verdict that says it missed 95. */
export function displayScore(score: number): string {
  return (Math.floor(score * 10) / 10).toFixed(1);
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
      return `${VERDICT_LINE[verdict]} · readiness score *${displayScore(view.score ?? 0)}* / 100`;
    }
  }
}

function checksSection(view: AssessmentView): string {
  if (view.status !== 'COMPLETED') {
    const finished = view.status === 'FAILED';
    return fitLines(
      view.checks.map((check) => oneCheck(checkLine(check, finished))),
      (hidden) => `…and ${hidden} more checks`,
    );
  }
  // Once decided, what needs attention comes first and passing and skipped checks fold into counts.
  const attention = view.checks.filter((check) => check.status !== 'PASS' && check.status !== 'SKIPPED');
  const passed = view.checks.filter((check) => check.status === 'PASS').length;
  const skipped = view.checks.filter((check) => check.status === 'SKIPPED').length;
  const lines = attention.map((check) => oneCheck(checkLine(check, true)));
  if (passed > 0) lines.push({ text: `${STATUS_ICON.PASS} ${passed} check${passed === 1 ? '' : 's'} passed`, count: passed });
  if (skipped > 0) {
    lines.push({ text: `${STATUS_ICON.SKIPPED} ${skipped} check${skipped === 1 ? '' : 's'} skipped in this environment`, count: skipped });
  }
  return fitLines(lines, (hidden) => `…and ${hidden} more checks not shown`);
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
    const { blockers, categories } = scoreAssessment(view.checks, view.thresholds);
    if (blockers.length > 0) {
      const lines = blockers.map((blocker) => oneCheck(`• ${escapeText(truncate(blocker.reason, 400))}`));
      blocks.push(section(ids.blocks.assessmentBlockers, `*Blockers*\n${fitLines(lines, (hidden) => `…and ${hidden} more blockers`)}`));
    }
    if (categories.length > 0) {
      const scores = categories.map((category) => `${category.name} *${displayScore(category.score)}*`).join(' · ');
      blocks.push({ type: 'context', block_id: ids.blocks.assessmentCategories, elements: [{ type: 'mrkdwn', text: truncate(scores, 3000) }] });
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
