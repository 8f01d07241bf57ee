import type { ReportPoster } from '../reports/report.ports.ts';
import { reportFileStem, reportJson, type ReportDocument } from '../reports/report-document.ts';
import type { ThreadUploadPort } from './thread-upload.ts';
import { renderReportMarkdown } from '../reports/report-markdown.ts';
import { reportComment } from './views/report-replies.ts';

/** The report as files: a Markdown one to read in Slack, and the JSON `readiness assess --json` prints. */
export function reportFiles(document: ReportDocument) {
  const stem = reportFileStem(document);
  const title = `Readiness report · ${document.service} → ${document.env}`;
  return [
    { filename: `${stem}.md`, title, content: renderReportMarkdown(document) },
    { filename: `${stem}.json`, title: `${title} (JSON)`, content: reportJson(document) },
  ];
}

/** Shares a report as one reply in its thread: the files, with a comment saying what they are and who asked. */
export function reportPoster(upload: ThreadUploadPort): ReportPoster {
  return {
    async postInThread(delivery) {
      const files = reportFiles(delivery.document);
      const comment = reportComment(delivery.document, delivery.request);
      await upload.uploadToThread({ channel: delivery.channel, threadTs: delivery.threadTs, comment, files });
      return { fileNames: files.map((file) => file.filename) };
    },
  };
}
