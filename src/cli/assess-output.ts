import type { ReadinessReport } from '../readiness/report.ts';
import { renderReadinessMarkdown } from '../reports/report-markdown.ts';
import { renderScorecard } from './scorecard.ts';

/** How `readiness assess` prints its report: `--format text` (the default), `json` (also `--json`) or `markdown`. */
export const ASSESS_FORMATS = ['text', 'json', 'markdown'] as const;
export type AssessFormat = (typeof ASSESS_FORMATS)[number];

export const isAssessFormat = (value: string): value is AssessFormat => (ASSESS_FORMATS as readonly string[]).includes(value);

/** The stored sign-off's standing, when `--require-signoff` asked for it. */
export interface SignoffStanding {
  ok: boolean;
  message: string;
}

/**
 * The report in the chosen format; with `--require-signoff` the sign-off's standing is part of it (a `signoff`
 * field in JSON, a section in Markdown, a line in text), so a job summary shows why the gate held.
 */
export function renderAssessOutput(report: ReadinessReport, format: AssessFormat, signoff: SignoffStanding | undefined): string {
  if (format === 'json') return `${JSON.stringify(signoff ? { ...report, signoff } : report, null, 2)}\n`;
  if (format === 'markdown') {
    const facts = ['- Assessed by: `readiness assess` (checks run now, not stored)'];
    if (signoff) facts.push(`- Sign-off: ${signoff.ok ? '✅' : '❌'} ${signoff.message.replaceAll('<', '\\<').replaceAll('>', '\\>')}`);
    return renderReadinessMarkdown(report, facts);
  }
  const scorecard = renderScorecard(report);
  return signoff ? `${scorecard}\nSign-off: ${signoff.message}\n` : scorecard;
}
