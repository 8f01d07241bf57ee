import { describe, expect, it } from 'vitest';
import type { CheckResultView } from '../../../src/assessments/assessment.types.ts';
import { BLOCK_KIT_LIMITS, validateBlocks, validateMessageText } from '../../../src/slack/block-kit-limits.ts';
import { ids } from '../../../src/slack/ids.ts';
import { needsReportInThread, renderAssessmentMessage } from '../../../src/slack/views/assessment-message.ts';
import { check, completedView } from './fixtures.ts';

const IN_THREAD = 'the full report, every check with its evidence, is in this thread';

function sectionText(view: ReturnType<typeof completedView>, blockId: string): string {
  const block = renderAssessmentMessage(view).blocks.find((candidate) => candidate.block_id === blockId);
  return (block?.text as { text?: string } | undefined)?.text ?? '';
}

const failing = (n: number, overrides: Partial<CheckResultView> = {}) =>
  Array.from({ length: n }, (_, i) =>
    check(`check-${String(i).padStart(3, '0')}`, 'FAIL', {
      name: `Endpoint ${i} answers`,
      message: `https://svc.example/endpoint/${i} answered 500, expected 200`,
      ...overrides,
    }),
  );

describe('needsReportInThread', () => {
  it('is false when the message lists every check that needs attention', () => {
    expect(needsReportInThread(completedView(failing(5)))).toBe(false);
    expect(sectionText(completedView(failing(5)), ids.blocks.assessmentChecks)).not.toContain(IN_THREAD);
  });

  it('is true for 200 checks, many failing, and the message says the full list is in the thread, within Block Kit limits', () => {
    const checks = [...failing(150), ...Array.from({ length: 50 }, (_, i) => check(`ok-${i}`, 'PASS'))];
    const view = completedView(checks);
    expect(needsReportInThread(view)).toBe(true);
    const message = renderAssessmentMessage(view);
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    expect(validateMessageText(message.text, message.blocks)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.blocksPerMessage);
    const text = sectionText(view, ids.blocks.assessmentChecks);
    expect(text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.sectionText);
    expect(text.split('\n').at(-1)).toMatch(new RegExp(`^…and \\d+ more checks not shown — ${IN_THREAD}$`));
  });

  it('matches what the message shows: for every size, either every failing check is listed or the thread is named', () => {
    for (let n = 1; n <= 60; n += 1) {
      const view = completedView(failing(n));
      const text = sectionText(view, ids.blocks.assessmentChecks);
      const listsAll = view.checks.every((c) => text.includes(`*${c.name}*`));
      expect(needsReportInThread(view), `${n} failing checks`).toBe(!listsAll);
      expect(text.includes(IN_THREAD), `${n} failing checks`).toBe(!listsAll);
    }
  });

  it('counts blockers too: critical failures that do not fit the blockers section send the report to the thread', () => {
    const view = completedView(failing(30, { severity: 'critical', message: 'x'.repeat(280) }));
    expect(needsReportInThread(view)).toBe(true);
    expect(sectionText(view, ids.blocks.assessmentBlockers)).toMatch(new RegExp(`…and \\d+ more blockers — ${IN_THREAD}$`));
  });

  it('is false while the assessment runs or when it could not finish: there is no verdict to explain yet', () => {
    const checks = failing(200);
    expect(needsReportInThread(completedView(checks, { status: 'RUNNING', verdict: null, score: null }))).toBe(false);
    expect(needsReportInThread(completedView(checks, { status: 'FAILED', verdict: null, score: null }))).toBe(false);
  });

  it('is false when only the passed and skipped counts fold: every check that needs attention is listed', () => {
    let foldedOnlyCounts = 0;
    for (let n = 20; n <= 40; n += 1) {
      for (let pad = 0; pad < 12; pad += 1) {
        const checks = [
          ...failing(n, { message: `answered 500 ${'.'.repeat(pad * 3)}` }),
          ...Array.from({ length: 5 }, (_, i) => check(`ok-${i}`, 'PASS')),
          ...Array.from({ length: 3 }, (_, i) => check(`skip-${i}`, 'SKIPPED')),
        ];
        const view = completedView(checks);
        const text = sectionText(view, ids.blocks.assessmentChecks);
        const listsAll = view.checks.filter((c) => c.status === 'FAIL').every((c) => text.includes(`*${c.name}*`));
        expect(needsReportInThread(view), `${n} failing, pad ${pad}`).toBe(!listsAll);
        if (listsAll && text.includes('more checks not shown')) {
          foldedOnlyCounts += 1;
          expect(text).not.toContain(IN_THREAD);
        }
      }
    }
    expect(foldedOnlyCounts).toBeGreaterThan(0);
  });
});
