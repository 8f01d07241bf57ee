import type { AssessmentView, CheckResultView } from '../../assessments/assessment.types.ts';
import { displayScore } from '../../readiness/display-score.ts';
import { scoreAssessment, type Blocker, type CheckStatus, type Verdict } from '../../readiness/score.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { ids } from '../ids.ts';
import type { SignoffBadge } from '../../approvals/badge.ts';
import { signoffBadgeBlock } from './signoff-badge.ts';
import { redactText } from '../../secrets/redact.ts';

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

/** Who attested a manual check and until when, with a real mention instead of the stored user id. */
function attestationDetail(check: CheckResultView): string | undefined {
  const { attestedBy, expiresAt } = check.evidence ?? {};
  if (!check.manual || typeof attestedBy !== 'string' || typeof expiresAt !== 'string') return undefined;
  const carried = typeof check.evidence?.carriedFromAssessment === 'string' ? ' (carried over)' : '';
  return ` — attested by ${mentionUser(attestedBy)}${carried}, valid until ${escapeText(expiresAt.slice(0, 16).replace('T', ' '))} UTC`;
}

function checkLine(check: CheckResultView, finished: boolean): string {
  // A check left PENDING by an assessment that stopped will never run: do not show it as in progress.
  const icon = finished && check.status === 'PENDING' ? ':black_square_for_stop:' : STATUS_ICON[check.status];
  const name = `*${escapeText(check.name)}*`;
  const detail = attestationDetail(check) ?? (check.message ? ` — ${escapeText(truncate(redactText(check.message), 300))}` : '');
  return `${icon} ${name}${detail}`;
}

// A message holds at most 50 blocks; the rest of the message needs a handful.
const MAX_ATTEST_BUTTONS = 10;

/** A section with an Attest button for each manual check still waiting for a person. */
function attestBlocks(view: AssessmentView): Record<string, unknown>[] {
  if (view.status === 'FAILED' || view.status === 'UNASSESSABLE') return [];
  const waiting = view.checks.filter((check) => check.manual && check.status === 'PENDING');
  const blocks: Record<string, unknown>[] = waiting.slice(0, MAX_ATTEST_BUTTONS).map((check) => {
    const instructions = check.manual?.instructions ? `\n${escapeText(truncate(check.manual.instructions, 500))}` : '';
    return {
      type: 'section',
      block_id: `${ids.blocks.attestPrefix}${check.checkId}`,
      text: {
        type: 'mrkdwn',
        text: `:raised_hand: *${escapeText(check.name)}* needs a member of *${escapeText(check.manual?.role ?? '')}* to attest it.${instructions}`,
      },
      accessory: {
        type: 'button',
        action_id: ids.actions.attestCheck,
        text: { type: 'plain_text', text: 'Attest' },
        value: `${view.id}/${check.checkId}`,
      },
    };
  });
  if (waiting.length > MAX_ATTEST_BUTTONS) {
    blocks.push({
      type: 'context',
      block_id: `${ids.blocks.attestPrefix}more`,
      elements: [
        { type: 'mrkdwn', text: `…and ${waiting.length - MAX_ATTEST_BUTTONS} more manual checks; their buttons appear as these are attested.` },
      ],
    });
  }
  return blocks;
}

/** A line of the section, and how many checks it stands for (a summary line stands for many). */
interface Line {
  text: string;
  count: number;
}

/** How many of `lines` fit in one section, leaving room for the "…and N more" line when some do not. */
function fittingLineCount(lines: readonly Line[]): number {
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const reserve = index < lines.length - 1 ? 60 : 0;
    if (length + line.text.length + 1 + reserve > SECTION_LIMIT) return index;
    length += line.text.length + 1;
  }
  return lines.length;
}

/** As many lines as fit in one section, then a count of the checks behind the rest. */
function fitLines(lines: Line[], overflowLabel: (hidden: number) => string): string {
  const fitting = fittingLineCount(lines);
  const shown = lines.slice(0, fitting).map((line) => line.text);
  if (fitting < lines.length) shown.push(overflowLabel(lines.slice(fitting).reduce((sum, rest) => sum + rest.count, 0)));
  return shown.join('\n');
}

const oneCheck = (text: string): Line => ({ text, count: 1 });

// One rounding for every place a score is shown (messages, Markdown reports, the CLI); other views import it from here.
export { displayScore };

function statusLine(view: AssessmentView): string {
  const done = view.checks.filter((check) => check.status !== 'PENDING').length;
  switch (view.status) {
    case 'QUEUED':
    case 'RUNNING':
      return `:hourglass_flowing_sand: *Assessing…* ${done} of ${view.checks.length} checks done`;
    case 'FAILED':
      return `:x: *The assessment could not finish:* ${escapeText(view.failureReason ?? 'unknown reason')}`;
    case 'UNASSESSABLE':
      // Our own outage, not the service's: say so, and how to try again, never a verdict.
      return (
        `:grey_question: *Could not assess* — no verdict, this says nothing about the service: ${escapeText(view.failureReason ?? 'our infrastructure did not answer')}. ` +
        `Run \`/readiness run ${escapeText(view.service)} ${escapeText(view.environment)}\` to assess again.`
      );
    case 'COMPLETED': {
      const verdict = view.verdict ?? 'NO_GO';
      return `${VERDICT_LINE[verdict]} · readiness score *${displayScore(view.score ?? 0)}* / 100`;
    }
  }
}

function checksSection(view: AssessmentView): string {
  if (view.status !== 'COMPLETED') {
    const finished = view.status === 'FAILED' || view.status === 'UNASSESSABLE';
    return fitLines(
      view.checks.map((check) => oneCheck(checkLine(check, finished))),
      (hidden) => `…and ${hidden} more checks`,
    );
  }
  const { lines } = completedCheckLines(view);
  const inThread = needsReportInThread(view) ? REPORT_IN_THREAD : '';
  return fitLines(lines, (hidden) => `…and ${hidden} more checks not shown${inThread}`);
}

/** The checks section of a decided assessment, and how many of its first lines name one check each. */
function completedCheckLines(view: AssessmentView): { lines: Line[]; listed: number } {
  // Once decided, what needs attention comes first and passing and skipped checks fold into counts.
  // Manual checks waiting for a person get their own block with the Attest button.
  const attention = view.checks.filter(
    (check) => check.status !== 'PASS' && check.status !== 'SKIPPED' && !(check.manual && check.status === 'PENDING'),
  );
  // A person's attestation stays visible: who vouched for what is part of the explanation.
  const attested = view.checks.filter((check) => check.manual && check.status === 'PASS');
  const passed = view.checks.filter((check) => check.status === 'PASS').length - attested.length;
  const skipped = view.checks.filter((check) => check.status === 'SKIPPED').length;
  const lines = [...attention, ...attested].map((check) => oneCheck(checkLine(check, true)));
  if (passed > 0) lines.push({ text: `${STATUS_ICON.PASS} ${passed} check${passed === 1 ? '' : 's'} passed`, count: passed });
  if (skipped > 0) {
    lines.push({ text: `${STATUS_ICON.SKIPPED} ${skipped} check${skipped === 1 ? '' : 's'} skipped in this environment`, count: skipped });
  }
  return { lines, listed: attention.length + attested.length };
}

const blockerLines = (blockers: readonly Blocker[]): Line[] => blockers.map((blocker) => oneCheck(`• ${escapeText(truncate(blocker.reason, 400))}`));

const REPORT_IN_THREAD = ' — the full report, every check with its evidence, is in this thread';

/**
 * A decided assessment whose message cannot list every check that needs attention (or every blocker): the
 * message says the full list is in its thread, and the full report is posted there (src/reports/overflow-report.ts).
 */
export function needsReportInThread(view: AssessmentView): boolean {
  if (view.status !== 'COMPLETED') return false;
  const { lines, listed } = completedCheckLines(view);
  const blockers = blockerLines(scoreAssessment(view.checks, view.thresholds).blockers);
  return fittingLineCount(lines) < listed || fittingLineCount(blockers) < blockers.length;
}

function plainText(view: AssessmentView): string {
  const target = `${view.service} → ${view.environment}`;
  if (view.status === 'COMPLETED') return `Readiness ${target}: ${VERDICT_WORD[view.verdict ?? 'NO_GO']}`;
  if (view.status === 'FAILED') return `Readiness ${target}: the assessment could not finish`;
  if (view.status === 'UNASSESSABLE') return `Readiness ${target}: could not assess (no verdict)`;
  return `Readiness ${target}: assessing…`;
}

/** The assessment message, as a pure function of the database state. */
export function renderAssessmentMessage(view: AssessmentView, extras: { signoff?: SignoffBadge | undefined } = {}): SlackMessage {
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
      const inThread = needsReportInThread(view) ? REPORT_IN_THREAD : '';
      const text = fitLines(blockerLines(blockers), (hidden) => `…and ${hidden} more blockers${inThread}`);
      blocks.push(section(ids.blocks.assessmentBlockers, `*Blockers*\n${text}`));
    }
    if (categories.length > 0) {
      const scores = categories.map((category) => `${category.name} *${displayScore(category.score)}*`).join(' · ');
      blocks.push({ type: 'context', block_id: ids.blocks.assessmentCategories, elements: [{ type: 'mrkdwn', text: truncate(scores, 3000) }] });
    }
  }
  const checksText = view.checks.length > 0 ? checksSection(view) : '';
  if (checksText !== '') blocks.push(section(ids.blocks.assessmentChecks, checksText));
  blocks.push(...attestBlocks(view));
  if (extras.signoff) blocks.push(signoffBadgeBlock(view.id, extras.signoff));
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
