import type { CheckStatus, Verdict, VerdictThresholds } from '../readiness/score.ts';
import type { CheckSpec, Severity } from '../config/readiness-config.schema.ts';
import type { SkippedCheck } from '../config/catalog.ts';

/**
 * UNASSESSABLE: our own infrastructure (database, Redis) stayed unreachable past the retry window, so there is no
 * verdict; `failureReason` says what did not answer. Never shown or counted as GO or NO-GO.
 */
export type AssessmentStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'UNASSESSABLE';

/** Statuses an assessment never leaves. */
export const FINISHED_ASSESSMENT_STATUSES: readonly AssessmentStatus[] = ['COMPLETED', 'FAILED', 'UNASSESSABLE'];

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
  /** Set for manual checks: who may attest, what they attest to, and for how long it holds. */
  manual?: { role: string; instructions?: string | undefined; validForMs: number } | undefined;
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

/** A still-valid attestation of a manual check, reused by every assessment until it expires. */
export interface AttestationView {
  checkId: string;
  role: string;
  attestedBy: string;
  attestedAt: Date;
  expiresAt: Date;
  /** The assessment whose button was clicked. */
  assessmentId: string;
}

export interface AssessmentPlan {
  /** Checks that apply to the environment: automated ones become jobs, manual ones wait for a person. */
  checks: CheckSpec[];
  /** Checks for other environments, recorded as SKIPPED with the reason. */
  skipped: SkippedCheck[];
  /** Valid attestations by check id: those manual checks start as PASS. */
  attestations: ReadonlyMap<string, AttestationView>;
  thresholds: VerdictThresholds;
}
