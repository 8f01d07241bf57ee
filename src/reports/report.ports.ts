import type { AssessmentStatus } from '../assessments/assessment.types.ts';
import type { ReportDocument } from './report-document.ts';

/** What a report job needs to know: ids only (the worker reads the rest from the database). */
export interface ReportRequest {
  assessmentId: string;
  /** Why it is posted: `overflow` (once per assessment) or a key derived from the command's trigger_id. */
  key: string;
  /** A Slack user id, or "system" when the assessment message could not show every check. */
  requestedBy: string;
}

export interface ReportScheduler {
  /** Enqueues posting the full report into the assessment's thread. The same request twice is one job. */
  requestReport(request: ReportRequest): Promise<void>;
}

/** Enough of an assessment to tell a person which one an id matched. */
export interface AssessmentSummary {
  id: string;
  service: string;
  environment: string;
  status: AssessmentStatus;
  channelId: string;
  createdAt: Date;
}

export interface PostedReport {
  assessmentId: string;
  /** The report job's key: `overflow`, or the key of the command that asked for it. */
  key: string;
  /** A Slack user id, or "system". */
  requestedBy: string;
  threadTs: string;
  fileNames: string[];
}

/** Finds assessments by the ids people type, and remembers which reports were posted (one per job key). */
export interface ReportRepository {
  /** Assessments whose id starts with `prefix` (lowercase hex, 8 characters), newest first. */
  findByIdPrefix(prefix: string, limit: number): Promise<AssessmentSummary[]>;
  findById(id: string): Promise<AssessmentSummary | undefined>;
  /** Each check as configured when the assessment started (the report needs its remediation). */
  checkSpecs(assessmentId: string): Promise<Map<string, unknown>>;
  wasPosted(assessmentId: string, key: string): Promise<boolean>;
  /** Records that the report is in the thread; false when it already was. */
  recordPosted(report: PostedReport): Promise<boolean>;
}

/** A report to share in the thread of its assessment's message. */
export interface ReportDelivery {
  channel: string;
  /** The assessment message: the report becomes a reply in its thread. */
  threadTs: string;
  document: ReportDocument;
  request: ReportRequest;
}

/** Shares a report in a thread, in whatever files and words the chat adapter chooses; returns the names of the files shared. */
export interface ReportPoster {
  postInThread(delivery: ReportDelivery): Promise<{ fileNames: string[] }>;
}
