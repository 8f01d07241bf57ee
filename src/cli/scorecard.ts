import { displayScore } from '../readiness/display-score.ts';
import type { ReadinessReport } from '../readiness/report.ts';

const MARK: Record<string, string> = { PASS: 'PASS', WARN: 'WARN', FAIL: 'FAIL', ERROR: 'ERR ', PENDING: 'WAIT', SKIPPED: 'SKIP' };
const VERDICT: Record<ReadinessReport['verdict'], string> = { GO: 'GO', GO_WITH_CAUTION: 'GO WITH CAUTION', NO_GO: 'NO-GO' };

/** The human-readable scorecard `readiness assess` prints without --json. */
export function renderScorecard(report: ReadinessReport): string {
  const lines = [
    `Readiness of ${report.service} in ${report.env}: ${VERDICT[report.verdict]} (score ${displayScore(report.score)}/100, risk ${report.risk})`,
    '',
    'Categories:',
    ...report.categories.map((category) => `  ${category.name.padEnd(16)} ${displayScore(category.score).padStart(5)}`),
    '',
    'Checks:',
    ...report.checks.map(
      (check) =>
        `  [${MARK[check.status] ?? check.status}] ${check.name} (${check.severity}, ${check.type}${check.durationMs === null ? '' : `, ${check.durationMs} ms`})` +
        (check.message && check.status !== 'PASS' ? `\n         ${check.message}` : ''),
    ),
  ];
  if (report.blockers.length > 0) lines.push('', 'Blockers:', ...report.blockers.map((blocker) => `  - ${blocker.reason}`));
  if (report.recommendations.length > 0) lines.push('', 'Recommendations:', ...report.recommendations.map((text) => `  - ${text}`));
  return `${lines.join('\n')}\n`;
}
