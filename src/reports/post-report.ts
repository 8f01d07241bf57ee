import type { ReportRequest } from '../queue/queues.ts';
import type { AssessmentRepository } from '../store/assessments.repository.ts';
import { renderReportMarkdown } from './report-markdown.ts';
import { reportComment } from '../slack/views/report-replies.ts';
import { buildReportDocument, reportFileStem, reportJson } from './report-document.ts';
import type { ReportRepository } from './report.repository.ts';
import type { ThreadUploadPort } from './thread-upload.ts';

export interface PostReportDeps {
  assessments: Pick<AssessmentRepository, 'find'>;
  reports: Pick<ReportRepository, 'checkSpecs' | 'wasPosted' | 'recordPosted'>;
  upload: ThreadUploadPort;
}

/** `no_message_yet`: the assessment's message (whose thread the report goes in) is still being posted. */
export type PostReportResult = 'posted' | 'already_posted' | 'not_found' | 'not_finished' | 'no_message_yet';

/**
 * Renders the full report from the database and shares it, as a Markdown and a JSON file, in the thread of the
 * assessment message. The audit event keyed by the request makes a re-run job post nothing the second time.
 */
export async function postReport(deps: PostReportDeps, request: ReportRequest): Promise<PostReportResult> {
  const view = await deps.assessments.find(request.assessmentId);
  if (!view) return 'not_found';
  if (view.status !== 'COMPLETED') return 'not_finished';
  if (view.messageTs === null) return 'no_message_yet';
  if (await deps.reports.wasPosted(view.id, request.key)) return 'already_posted';

  const document = buildReportDocument(view, await deps.reports.checkSpecs(view.id));
  const stem = reportFileStem(document);
  const title = `Readiness report · ${view.service} → ${view.environment}`;
  const files = [
    { filename: `${stem}.md`, title, content: renderReportMarkdown(document) },
    { filename: `${stem}.json`, title: `${title} (JSON)`, content: reportJson(document) },
  ];
  await deps.upload.uploadToThread({ channel: view.channelId, threadTs: view.messageTs, comment: reportComment(document, request), files });
  await deps.reports.recordPosted({
    assessmentId: view.id,
    key: request.key,
    requestedBy: request.requestedBy,
    threadTs: view.messageTs,
    fileNames: files.map((file) => file.filename),
  });
  return 'posted';
}
