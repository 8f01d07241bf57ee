import type { AssessmentStatus } from '../assessments/assessment.types.ts';
import type { Verdict } from '../readiness/score.ts';
import type { SignoffRequestView } from '../approvals/signoff.types.ts';

/** The newest assessment of a service and environment, as much as `/readiness status` shows of it. */
export interface LatestAssessment {
  id: string;
  status: AssessmentStatus;
  verdict: Verdict | null;
  score: number | null;
  requestedBy: string;
  failureReason: string | null;
  createdAt: Date;
  completedAt: Date | null;
  checksDone: number;
  checksTotal: number;
}

/** What the environment's sign-off policy says, as far as the status answer needs it. */
export interface StatusPolicy {
  eligibleVerdicts: Verdict[];
  overrideRole: string | null;
}

/** Everything `/readiness status <service> <environment>` answers from. */
export interface StatusSnapshot {
  service: string;
  environment: string;
  assessment: LatestAssessment | undefined;
  /** The sign-off request of that assessment. */
  request: SignoffRequestView | undefined;
  /** The newest request of an older assessment: what still stands while the latest has no verdict. */
  previous: SignoffRequestView | undefined;
  /** Undefined when the environment needs no sign-off. */
  policy: StatusPolicy | undefined;
}

/** One audit event of a service, with what is needed to say what it was about. */
export interface AuditTrailEvent {
  id: string;
  at: Date;
  /** A Slack user id, or "system". */
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  data: Record<string, unknown>;
  /** The state the action found (null: it created the subject, or the event predates before/after). */
  before: Record<string, unknown> | null;
  /** The state the action left (null only on events recorded before this was kept). */
  after: Record<string, unknown> | null;
  /** The environment of the subject; null for an incident of the whole service. */
  environment: string | null;
  /** The assessment the event belongs to (itself, or the one a sign-off request is for). */
  assessmentId: string | null;
  incidentNumber: number | null;
  /** The name of the check a `check.attested` event is about, as it was configured then. */
  checkName: string | null;
}

export interface AuditPage {
  service: string;
  /** Null: every environment of the service. */
  environment: string | null;
  page: number;
  pages: number;
  total: number;
  events: AuditTrailEvent[];
}
