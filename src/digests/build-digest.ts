import type { DeploymentStatus } from '../deployments/deployment.types.ts';
import type { IncidentSeverity } from '../incidents/incident.types.ts';
import type { Verdict } from '../readiness/score.ts';
import type {
  AttentionItem,
  Digest,
  DigestAssessment,
  DigestData,
  DigestDeployment,
  DigestIncident,
  DigestPeriod,
  DigestTarget,
  DigestTargetRow,
  DigestTotals,
} from './digest.types.ts';

/** A target whose newest assessment is older than this at the end of the period is flagged as not assessed. */
export const STALE_AFTER_MS = 7 * 24 * 3600 * 1000;
/** Checks that failed at least this often in the period are listed as recurring. */
export const RECURRING_FAILURES = 2;
export const MAX_RECURRING_FAILURES = 5;

export interface DigestScope {
  name: string;
  title: string;
  period: DigestPeriod;
  /** Every service and environment the digest covers, in readiness.yaml order. */
  targets: readonly DigestTarget[];
  /** Whether incidents that name no service belong in it (a digest that covers every service). */
  includeUnscopedIncidents: boolean;
}

const FAILED_DEPLOYMENT: readonly DeploymentStatus[] = ['FAILED', 'ABORTED', 'ROLLED_BACK', 'ROLLBACK_FAILED'];
const ROLLED_BACK: readonly DeploymentStatus[] = ['ROLLED_BACK', 'ROLLBACK_FAILED'];
const ACTIVE_DEPLOYMENT: readonly DeploymentStatus[] = ['RUNNING', 'PAUSED', 'ROLLING_BACK'];
/** Planned and cancelled deployments changed nothing, so they are not counted as deployments. */
const NOT_STARTED: readonly DeploymentStatus[] = ['PLANNED', 'CANCELLED'];
const SEVERITY_RANK: Record<IncidentSeverity, number> = { SEV1: 0, SEV2: 1, SEV3: 2, SEV4: 3 };
const VERDICT_RANK: Record<Verdict, number> = { NO_GO: 0, GO_WITH_CAUTION: 1, GO: 2 };

const keyOf = (target: DigestTarget) => `${target.service}\u0000${target.environment}`;
const noVerdicts = (): Record<Verdict, number> => ({ GO: 0, GO_WITH_CAUTION: 0, NO_GO: 0 });

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const newest = (assessments: readonly DigestAssessment[]) =>
  assessments.reduce<DigestAssessment | null>((found, a) => (found === null || a.finishedAt > found.finishedAt ? a : found), null);

function targetRow(
  target: DigestTarget,
  inPeriod: readonly DigestAssessment[],
  before: DigestAssessment | null,
  deployments: readonly DigestDeployment[],
): DigestTargetRow {
  const completed = inPeriod.filter((a) => a.status === 'COMPLETED');
  const latest = newest(completed) ?? before;
  const verdicts = noVerdicts();
  for (const a of completed) if (a.verdict) verdicts[a.verdict] += 1;
  const startScore = before?.score ?? null;
  const endScore = newest(completed)?.score ?? null;
  return {
    ...target,
    latest,
    scoreChange: startScore !== null && endScore !== null ? endScore - startScore : null,
    assessed: completed.length,
    verdicts,
    deployments: {
      succeeded: deployments.filter((d) => d.status === 'SUCCEEDED').length,
      failed: deployments.filter((d) => FAILED_DEPLOYMENT.includes(d.status)).length,
      rolledBack: deployments.filter((d) => ROLLED_BACK.includes(d.status)).length,
      active: deployments.filter((d) => ACTIVE_DEPLOYMENT.includes(d.status)).length,
    },
  };
}

function rowRank(row: DigestTargetRow): number {
  return row.latest?.verdict ? VERDICT_RANK[row.latest.verdict] : 3;
}

function totalsOf(
  data: DigestData,
  deployments: readonly DigestDeployment[],
  opened: readonly DigestIncident[],
  open: readonly DigestIncident[],
): DigestTotals {
  const verdicts = noVerdicts();
  const completed = data.assessments.filter((a) => a.status === 'COMPLETED');
  for (const a of completed) if (a.verdict) verdicts[a.verdict] += 1;
  const succeeded = deployments.filter((d) => d.status === 'SUCCEEDED').length;
  const failed = deployments.filter((d) => FAILED_DEPLOYMENT.includes(d.status)).length;
  const known = (values: readonly (number | null)[]) => values.filter((v): v is number => v !== null);
  return {
    assessments: completed.length,
    verdicts,
    unfinished: data.assessments.filter((a) => a.status === 'FAILED').length,
    unassessable: data.assessments.filter((a) => a.status === 'UNASSESSABLE').length,
    deployments: deployments.length,
    deploymentsSucceeded: succeeded,
    deploymentsFailed: failed,
    changeFailureRate: succeeded + failed === 0 ? null : failed / (succeeded + failed),
    incidentsOpened: opened.length,
    incidentsOpenNow: open.length,
    medianTimeToAcknowledgeSeconds: median(known(opened.map((i) => i.timeToAcknowledgeSeconds))),
    medianTimeToResolveSeconds: median(known(opened.map((i) => i.timeToResolveSeconds))),
  };
}

function attentionOf(
  scope: DigestScope,
  rows: readonly DigestTargetRow[],
  deployments: readonly DigestDeployment[],
  open: readonly DigestIncident[],
  data: DigestData,
): AttentionItem[] {
  const byRecency =
    <T>(at: (item: T) => Date) =>
    (a: T, b: T) =>
      at(b).getTime() - at(a).getTime();
  const incidents = [...open].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.createdAt.getTime() - b.createdAt.getTime());
  const noGo = rows.filter((row) => row.latest?.verdict === 'NO_GO');
  const ended = [...deployments].filter((d) => FAILED_DEPLOYMENT.includes(d.status)).sort(byRecency((d) => d.finishedAt ?? d.createdAt));
  const signoffs = [...data.pendingSignoffs].sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
  const staleBefore = scope.period.to.getTime() - STALE_AFTER_MS;
  const stale = rows.filter((row) => row.assessed === 0 && (row.latest === null || row.latest.finishedAt.getTime() < staleBefore));
  return [
    ...incidents.map((incident): AttentionItem => ({ kind: 'open_incident', incident })),
    ...noGo.map(
      (row): AttentionItem => ({
        kind: 'no_go',
        target: { service: row.service, environment: row.environment },
        assessment: row.latest as DigestAssessment,
      }),
    ),
    ...ended.map(
      (deployment): AttentionItem => ({ kind: ROLLED_BACK.includes(deployment.status) ? 'rolled_back' : 'deployment_failed', deployment }),
    ),
    ...signoffs.map((signoff): AttentionItem => ({ kind: 'signoff_pending', signoff })),
    ...stale.map(
      (row): AttentionItem => ({
        kind: 'not_assessed',
        target: { service: row.service, environment: row.environment },
        lastAssessedAt: row.latest?.finishedAt ?? null,
      }),
    ),
  ];
}

/**
 * Summarises one period for the targets a digest covers: totals (verdicts, deployments and their change failure
 * rate, incidents with median time to acknowledge and resolve), what needs attention now, each target's latest
 * verdict and its score trend, and the checks that keep failing. Pure: the same data always gives the same digest.
 */
export function buildDigest(scope: DigestScope, data: DigestData): Digest {
  const covered = new Set(scope.targets.map(keyOf));
  const coveredServices = new Set(scope.targets.map((t) => t.service));
  const inScope = <T extends DigestTarget>(items: readonly T[]) => items.filter((item) => covered.has(keyOf(item)));
  const incidentInScope = (incident: DigestIncident) =>
    incident.service === null
      ? scope.includeUnscopedIncidents
      : coveredServices.has(incident.service) &&
        (incident.environment === null || covered.has(keyOf({ service: incident.service, environment: incident.environment })));

  const assessments = inScope(data.assessments);
  const deployments = inScope(data.deployments).filter((d) => !NOT_STARTED.includes(d.status));
  const before = new Map(inScope(data.before).map((a) => [keyOf(a), a]));
  const opened = data.incidentsOpened.filter(incidentInScope);
  const open = data.incidentsOpen.filter(incidentInScope);

  const rows = scope.targets
    .map((target) =>
      targetRow(
        target,
        assessments.filter((a) => keyOf(a) === keyOf(target)),
        before.get(keyOf(target)) ?? null,
        deployments.filter((d) => keyOf(d) === keyOf(target)),
      ),
    )
    .map((row, order) => ({ row, order }))
    .sort((a, b) => rowRank(a.row) - rowRank(b.row) || a.order - b.order)
    .map(({ row }) => row);

  const recurringFailures = inScope(data.checkFailures)
    .filter((check) => check.failures >= RECURRING_FAILURES)
    .sort((a, b) => b.failures - a.failures || b.failures / b.runs - a.failures / a.runs || a.checkId.localeCompare(b.checkId))
    .slice(0, MAX_RECURRING_FAILURES);

  const filtered: DigestData = { ...data, assessments, deployments, pendingSignoffs: inScope(data.pendingSignoffs) };
  return {
    name: scope.name,
    title: scope.title,
    period: scope.period,
    totals: totalsOf(filtered, deployments, opened, open),
    attention: attentionOf(scope, rows, deployments, open, filtered),
    targets: rows,
    recurringFailures,
  };
}
