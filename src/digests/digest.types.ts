import type { DeploymentStatus } from '../deployments/deployment.types.ts';
import type { IncidentSeverity, IncidentStatus } from '../incidents/incident.types.ts';
import type { Verdict } from '../readiness/score.ts';

/** A service in one environment, as a digest lists it. */
export interface DigestTarget {
  service: string;
  environment: string;
}

/** The period a digest covers: from the previous scheduled digest (inclusive) to its own slot (exclusive). */
export interface DigestPeriod {
  from: Date;
  to: Date;
}

export interface DigestAssessment extends DigestTarget {
  id: string;
  status: 'COMPLETED' | 'FAILED' | 'UNASSESSABLE';
  verdict: Verdict | null;
  score: number | null;
  finishedAt: Date;
}

/** How often one check did not pass (FAIL or ERROR) in the period's completed assessments. */
export interface DigestCheckFailures extends DigestTarget {
  checkId: string;
  name: string;
  failures: number;
  runs: number;
}

export interface DigestDeployment extends DigestTarget {
  id: string;
  version: string | null;
  status: DeploymentStatus;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface DigestIncident {
  number: number;
  severity: IncidentSeverity;
  status: IncidentStatus;
  title: string;
  service: string | null;
  environment: string | null;
  createdAt: Date;
  timeToAcknowledgeSeconds: number | null;
  timeToResolveSeconds: number | null;
}

export interface DigestPendingSignoff extends DigestTarget {
  assessmentId: string;
  expiresAt: Date;
}

/** What the database holds about the covered targets, for one period. */
export interface DigestData {
  /** Assessments that finished in the period, oldest first. */
  assessments: DigestAssessment[];
  /** Per target, the last assessment that finished before the period (where there the trend starts). */
  before: DigestAssessment[];
  checkFailures: DigestCheckFailures[];
  /** Deployments planned in the period, or still active at its end. */
  deployments: DigestDeployment[];
  /** Incidents opened in the period. */
  incidentsOpened: DigestIncident[];
  /** Incidents not resolved at the end of the period, whenever they were opened. */
  incidentsOpen: DigestIncident[];
  /** Sign-off requests still waiting at the end of the period. */
  pendingSignoffs: DigestPendingSignoff[];
}

export interface DigestTargetRow extends DigestTarget {
  /** The newest finished assessment, in the period or before it; null when it was never assessed. */
  latest: DigestAssessment | null;
  /** Score change over the period: latest score minus the score before the period (null without both). */
  scoreChange: number | null;
  assessed: number;
  verdicts: Record<Verdict, number>;
  deployments: { succeeded: number; failed: number; rolledBack: number; active: number };
}

export type AttentionItem =
  | { kind: 'open_incident'; incident: DigestIncident }
  | { kind: 'no_go'; target: DigestTarget; assessment: DigestAssessment }
  | { kind: 'rolled_back'; deployment: DigestDeployment }
  | { kind: 'deployment_failed'; deployment: DigestDeployment }
  | { kind: 'signoff_pending'; signoff: DigestPendingSignoff }
  | { kind: 'not_assessed'; target: DigestTarget; lastAssessedAt: Date | null };

export interface DigestTotals {
  assessments: number;
  verdicts: Record<Verdict, number>;
  /** Assessments that could not finish (FAILED). */
  unfinished: number;
  /** Assessments our own infrastructure could not finish (UNASSESSABLE): no verdict, counted apart from NO-GO. */
  unassessable: number;
  deployments: number;
  deploymentsSucceeded: number;
  /** Deployments that ended failed, aborted, rolled back or with a failed rollback. */
  deploymentsFailed: number;
  /** deploymentsFailed / finished deployments; null when none finished. */
  changeFailureRate: number | null;
  incidentsOpened: number;
  incidentsOpenNow: number;
  medianTimeToAcknowledgeSeconds: number | null;
  medianTimeToResolveSeconds: number | null;
}

/** A digest as it is posted: every figure derived from DigestData, nothing read from elsewhere. */
export interface Digest {
  name: string;
  title: string;
  period: DigestPeriod;
  totals: DigestTotals;
  /** Most urgent first. */
  attention: AttentionItem[];
  /** Worst first: NO-GO, GO WITH CAUTION, GO, then never assessed. */
  targets: DigestTargetRow[];
  /** Checks that did not pass most often, most often first. */
  recurringFailures: DigestCheckFailures[];
}
