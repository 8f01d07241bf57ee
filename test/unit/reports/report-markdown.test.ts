import { describe, expect, it } from 'vitest';
import { buildReportDocument } from '../../../src/reports/report-document.ts';
import { renderReportMarkdown } from '../../../src/reports/report-markdown.ts';
import { check, completedView, EXAMPLE_CHECKS, specsOf } from './fixtures.ts';
import type { CheckResultView } from '../../../src/assessments/assessment.types.ts';

const markdownOf = (checks: CheckResultView[], remediation: Record<string, string> = {}) =>
  renderReportMarkdown(buildReportDocument(completedView(checks), specsOf(checks, remediation)));

/** The rows of the checks table, split into cells on the pipes Markdown would split on (not on `\|`). */
function tableRows(markdown: string): string[][] {
  const table = markdown.split('## Checks')[1]?.split('## Evidence')[0] ?? '';
  return table
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .slice(1)
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

describe('renderReportMarkdown', () => {
  it('renders the example report', () => {
    expect(markdownOf(EXAMPLE_CHECKS, { health: 'Roll back the last deploy' })).toMatchSnapshot();
  });

  it('leads with the verdict, the score and the blockers', () => {
    const markdown = markdownOf(EXAMPLE_CHECKS);
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('# Readiness report: checkout → production');
    expect(lines[2]).toBe('**NO-GO** · score 35.7 / 100 · risk critical');
    expect(markdown.indexOf('## Blockers')).toBeLessThan(markdown.indexOf('## Checks'));
    expect(markdown).toContain('- critical check "Health endpoint answers" is FAIL: expected HTTP 200, got 503');
  });

  it("lists the recommendations: the configured remediation, else the check type's default advice", () => {
    const markdown = markdownOf(EXAMPLE_CHECKS);
    const section = markdown.split('## Recommendations')[1]?.split('## Categories')[0] ?? '';
    expect(section).toContain('1. Health endpoint answers: Make https://example.test/health answer 200 (it answered 503)');
    expect(markdownOf(EXAMPLE_CHECKS, { health: 'Roll back the last deploy' })).toContain(
      '1. Health endpoint answers: Roll back the last deploy (expected HTTP 200, got 503)',
    );
  });

  it('shows GO WITH CAUTION and rounds the score down, as the Slack message does', () => {
    // 9.5 of 10.005 is 94.95…: shown as 94.9, never as a 95.0 that would seem to reach GO.
    const checks = [check('a', 'PASS', { weight: 9 }), check('b', 'WARN', { weight: 1 }), check('c', 'FAIL', { weight: 0.005 })];
    expect(markdownOf(checks)).toContain('**GO WITH CAUTION** · score 94.9 / 100 · risk medium');
  });

  it('lists every one of 200 checks, what needs attention first, each with its message and evidence', () => {
    const checks = Array.from({ length: 200 }, (_, i) =>
      check(`check-${String(i).padStart(3, '0')}`, i % 3 === 0 ? 'PASS' : 'FAIL', {
        evidence: { probe: i },
        message: `probe ${i} answered ${i % 3 === 0 ? 200 : 500}`,
      }),
    );
    const markdown = markdownOf(checks);
    const rows = tableRows(markdown);
    expect(rows).toHaveLength(200);
    expect(rows.findIndex((row) => row[0] === 'PASS')).toBe(rows.filter((row) => row[0] === 'FAIL').length);
    const evidence = markdown.split('## Evidence')[1] ?? '';
    for (let i = 0; i < 200; i += 1) {
      const id = `check-${String(i).padStart(3, '0')}`;
      const section = evidence.split('\n### ').find((part) => part.includes(`\`${id}\``));
      expect(section, id).toBeDefined();
      expect(section).toContain(`probe ${i} answered`);
      expect(section).toContain(`"probe": ${i}`);
    }
  });

  it('keeps hostile names and messages from breaking the table, adding HTML or closing the evidence block', () => {
    const checks = [
      check('a', 'FAIL', {
        name: 'Banner | <script>alert(1)</script>',
        message: 'line one\n## not a heading | <!channel>',
        evidence: { body: 'here is a fence ``` and ```` four' },
      }),
    ];
    const markdown = markdownOf(checks);
    const rows = tableRows(markdown);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveLength(6);
    expect(markdown).not.toMatch(/<script>|<!channel>/);
    expect(markdown).not.toMatch(/^## not a heading/m);
    expect(markdown).toContain('line one ## not a heading | \\<!channel\\>');
    // The evidence fence is longer than any backtick run inside it.
    expect(markdown).toContain('`````json\n');
    expect(markdown.trimEnd().endsWith('`````')).toBe(true);
  });

  it('names who asked by user id, and says when', () => {
    const markdown = markdownOf(EXAMPLE_CHECKS);
    expect(markdown).toContain('- Requested by: U0123ABCD at 2025-03-04 10:00:00 UTC');
    expect(markdown).toContain('- Completed: 2025-03-04 10:00:12 UTC');
    expect(markdown).toContain('- Checks: 4 (1 FAIL, 1 WARN, 1 PASS, 1 SKIPPED)');
  });
});
