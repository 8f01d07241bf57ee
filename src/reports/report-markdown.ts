import { displayScore } from '../readiness/display-score.ts';
import type { ReadinessReport, ReportedCheck } from '../readiness/report.ts';
import { SEVERITY_WEIGHT, type CheckStatus, type Verdict } from '../readiness/score.ts';
import type { ReportDocument } from './report-document.ts';

// Markdown, not Slack mrkdwn: a file uploaded into a thread and `readiness assess --format markdown` print the same
// document, so it lives with the reports and not with the Slack views.

const VERDICT_WORD: Record<Verdict, string> = { GO: 'GO', GO_WITH_CAUTION: 'GO WITH CAUTION', NO_GO: 'NO-GO' };

/** What needs attention first: failures, then what could not be evaluated, then warnings and waiting checks. */
const STATUS_ORDER: Record<CheckStatus, number> = { FAIL: 0, ERROR: 1, WARN: 2, PENDING: 3, PASS: 4, SKIPPED: 5 };

/**
 * Check names and messages come from readiness.yaml and from the services under test. In a Markdown file they
 * cannot ping anyone, but they must not break the document: one line each, no raw HTML, no stray table cells.
 */
const inline = (text: string) => text.replace(/\s+/g, ' ').trim().replaceAll('<', '\\<').replaceAll('>', '\\>');
const cell = (text: string) => inline(text).replaceAll('|', '\\|');

const time = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;
const duration = (check: ReportedCheck) => (check.durationMs === null ? '—' : `${check.durationMs} ms`);

function byAttention(a: ReportedCheck, b: ReportedCheck): number {
  return STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || SEVERITY_WEIGHT[b.severity] - SEVERITY_WEIGHT[a.severity] || a.id.localeCompare(b.id);
}

/** "3 FAIL, 1 WARN, 20 PASS" in attention order. */
function statusCounts(checks: readonly ReportedCheck[]): string {
  const counts = new Map<CheckStatus, number>();
  for (const check of checks) counts.set(check.status, (counts.get(check.status) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => STATUS_ORDER[a] - STATUS_ORDER[b])
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

/** A fence longer than any backtick run inside, so evidence can never close its own code block. */
function fenced(language: string, body: string): string[] {
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return [`${fence}${language}`, body, fence];
}

function evidenceSection(check: ReportedCheck): string[] {
  const lines = [
    `### ${check.status} · ${inline(check.name)}`,
    '',
    `\`${check.id}\` · ${check.severity} · ${check.category} · ${check.type} · ${duration(check)}`,
  ];
  if (check.message) lines.push('', inline(check.message));
  if (check.evidence && Object.keys(check.evidence).length > 0) lines.push('', ...fenced('json', JSON.stringify(check.evidence, null, 2)));
  return [...lines, ''];
}

/** The full report as a Markdown file: the verdict and why, then every check with its evidence. Pure. */
export function renderReportMarkdown(report: ReportDocument): string {
  const { assessment } = report;
  return renderReadinessMarkdown(report, [
    `- Assessment: \`${assessment.id}\` (${assessment.status})`,
    `- Requested by: ${inline(assessment.requestedBy)} at ${time(assessment.requestedAt)}`,
    `- Completed: ${assessment.completedAt === null ? 'not yet' : time(assessment.completedAt)}`,
  ]);
}

/** The same document for any report, e.g. `readiness assess --format markdown`; `facts` are list items under the verdict. */
export function renderReadinessMarkdown(report: ReadinessReport, facts: readonly string[]): string {
  const checks = [...report.checks].sort(byAttention);
  const lines = [
    `# Readiness report: ${report.service} → ${report.env}`,
    '',
    `**${VERDICT_WORD[report.verdict]}** · score ${displayScore(report.score)} / 100 · risk ${report.risk}`,
    '',
    ...facts,
    `- Checks: ${checks.length}${checks.length > 0 ? ` (${statusCounts(checks)})` : ''}`,
    '',
  ];
  if (report.blockers.length > 0) lines.push('## Blockers', '', ...report.blockers.map((blocker) => `- ${inline(blocker.reason)}`), '');
  if (report.recommendations.length > 0) {
    lines.push('## Recommendations', '', ...report.recommendations.map((text, index) => `${index + 1}. ${inline(text)}`), '');
  }
  if (report.categories.length > 0) {
    lines.push('## Categories', '', '| Category | Score |', '|---|---:|');
    lines.push(...report.categories.map((category) => `| ${cell(category.name)} | ${displayScore(category.score)} |`), '');
  }
  if (checks.length > 0) {
    lines.push('## Checks', '', '| Status | Check | Severity | Category | Type | Duration |', '|---|---|---|---|---|---:|');
    lines.push(
      ...checks.map(
        (check) =>
          `| ${check.status} | ${cell(check.name)} (\`${check.id}\`) | ${check.severity} | ${cell(check.category)} | ${cell(check.type)} | ${duration(check)} |`,
      ),
      '',
      '## Evidence',
      '',
      ...checks.flatMap(evidenceSection),
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
