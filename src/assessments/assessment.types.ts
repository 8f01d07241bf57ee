import type { CheckStatus, Verdict, VerdictThresholds } from '../readiness/score.ts';
import type { CheckSpec, Severity } from '../config/readiness-config.schema.ts';

export type AssessmentStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

/** A check result as the rest of the app sees it: plain data, no Prisma types. */
export interface CheckResultView {
  checkId: string;
  name: string;
  type: string;
  category: string;
  severity: Severity;
  weight?: number | undefined;
  status: CheckStatus;
  message: string | null;
  evidence: Record<string, unknown> | null;
  durationMs: number | null;
}

export interface AssessmentView {
  id: string;
  service: string;
  environment: string;
  status: AssessmentStatus;
  requestedBy: string;
  channelId: string;
  messageTs: string | null;
  score: number | null;
  verdict: Verdict | null;
  thresholds: VerdictThresholds;
  failureReason: string | null;
  createdAt: Date;
  completedAt: Date | null;
  checks: CheckResultView[];
}

export interface NewAssessment {
  requestKey: string;
  service: string;
  environment: string;
  requestedBy: string;
  teamId: string | null;
  channelId: string;
}

export interface AssessmentPlan {
  checks: CheckSpec[];
  thresholds: VerdictThresholds;
}
