import type { AssessmentRepository } from '../assessments/assessment.ports.ts';
import { buildReportDocument } from './report-document.ts';
import type { ReportPoster, ReportRepository, ReportRequest } from './report.ports.ts';

export interface PostReportDeps {
  assessments: Pick<AssessmentRepository, 'find'>;
  reports: Pick<ReportRepository, 'checkSpecs' | 'wasPosted' | 'recordPosted'>;
  poster: ReportPoster;
}

/** `no_message_yet`: the assessment's message (whose thread the report goes in) is still being posted. */
export type PostReportResult = 'posted' | 'already_posted' | 'not_found' | 'not_finished' | 'no_message_yet';

/**
 * Builds the full report from the database and has it shared in the thread of the assessment message. The audit
 * event keyed by the request makes a re-run job post nothing the second time.
 */
export async function postReport(deps: PostReportDeps, request: ReportRequest): Promise<PostReportResult> {
  const view = await deps.assessments.find(request.assessmentId);
  if (!view) return 'not_found';
  if (view.status !== 'COMPLETED') return 'not_finished';
  if (view.messageTs === null) return 'no_message_yet';
  if (await deps.reports.wasPosted(view.id, request.key)) return 'already_posted';

  const document = buildReportDocument(view, await deps.reports.checkSpecs(view.id));
  const { fileNames } = await deps.poster.postInThread({ channel: view.channelId, threadTs: view.messageTs, document, request });
  await deps.reports.recordPosted({ assessmentId: view.id, key: request.key, requestedBy: request.requestedBy, threadTs: view.messageTs, fileNames });
  return 'posted';
}
