import type { AssessmentRepository } from '../assessments/assessment.ports.ts';
import type { AssessmentView } from '../assessments/assessment.types.ts';
import type { ReportScheduler } from './report.ports.ts';

export interface OverflowReportDeps {
  assessments: Pick<AssessmentRepository, 'find'>;
  reports: Pick<ReportScheduler, 'requestReport'>;
  /**
   * Whether the assessment's message cannot list every check that needs attention. A question of message size,
   * so the Slack view answers it (`needsReportInThread`); the domain only acts on the answer.
   */
  messageOverflows(view: AssessmentView): boolean;
}

/**
 * A verdict whose message cannot list every check that needs attention gets its full report in the thread.
 * Asked for on every run of the assessment's completion, also a re-run after a crash between the two steps;
 * the report job's id (key `overflow`) keeps it to one post. Says whether a report was requested.
 */
export async function requestOverflowReport(deps: OverflowReportDeps, assessmentId: string): Promise<boolean> {
  const view = await deps.assessments.find(assessmentId);
  if (!view || !deps.messageOverflows(view)) return false;
  await deps.reports.requestReport({ assessmentId, key: 'overflow', requestedBy: 'system' });
  return true;
}
