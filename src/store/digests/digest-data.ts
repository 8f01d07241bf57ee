import type { Prisma } from '../../generated/prisma/client.ts';
import type { DeploymentStatus } from '../../deployments/deployment.types.ts';
import type {
  DigestAssessment,
  DigestCheckFailures,
  DigestData,
  DigestDeployment,
  DigestIncident,
  DigestPendingSignoff,
  DigestPeriod,
} from '../../digests/digest.types.ts';
import type { IncidentSeverity, IncidentStatus } from '../../incidents/incident.types.ts';
import type { Verdict } from '../../readiness/score.ts';
import type { Db } from '../prisma.ts';

const ACTIVE_DEPLOYMENTS: DeploymentStatus[] = ['RUNNING', 'PAUSED', 'ROLLING_BACK'];

const assessmentSelect = {
  id: true,
  service: true,
  environment: true,
  status: true,
  verdict: true,
  score: true,
  completedAt: true,
  updatedAt: true,
} as const;

function toAssessment(row: Prisma.AssessmentGetPayload<{ select: typeof assessmentSelect }>): DigestAssessment {
  return {
    id: row.id,
    service: row.service,
    environment: row.environment,
    status: row.status === 'FAILED' || row.status === 'UNASSESSABLE' ? row.status : 'COMPLETED',
    verdict: (row.verdict as Verdict | null) ?? null,
    score: row.score,
    finishedAt: row.completedAt ?? row.updatedAt,
  };
}

const incidentSelect = {
  number: true,
  severity: true,
  status: true,
  title: true,
  service: true,
  environment: true,
  createdAt: true,
  timeToAcknowledgeSeconds: true,
  timeToResolveSeconds: true,
} as const;

const toIncident = (row: Prisma.IncidentGetPayload<{ select: typeof incidentSelect }>): DigestIncident => ({
  ...row,
  severity: row.severity as IncidentSeverity,
  status: row.status as IncidentStatus,
});

/** Assessments of the services that finished in the period, oldest first. */
async function finishedAssessments(db: Db, services: readonly string[], { from, to }: DigestPeriod): Promise<DigestAssessment[]> {
  const rows = await db.assessment.findMany({
    where: { service: { in: [...services] }, status: { in: ['COMPLETED', 'FAILED', 'UNASSESSABLE'] }, completedAt: { gte: from, lt: to } },
    select: assessmentSelect,
    orderBy: { completedAt: 'asc' },
  });
  return rows.map(toAssessment);
}

/** Per service and environment, the last assessment completed before the period: where the trend starts. */
async function assessmentsBefore(db: Db, services: readonly string[], from: Date): Promise<DigestAssessment[]> {
  const ids = await db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT ON (service, environment) id::text
    FROM assessments
    WHERE service = ANY(${[...services]}::text[]) AND status = 'COMPLETED' AND completed_at < ${from}
    ORDER BY service, environment, completed_at DESC`;
  if (ids.length === 0) return [];
  const rows = await db.assessment.findMany({ where: { id: { in: ids.map((row) => row.id) } }, select: assessmentSelect });
  return rows.map(toAssessment);
}

/** Checks that did not pass (FAIL or ERROR) at least once in the period's completed assessments. */
async function checkFailures(db: Db, services: readonly string[], { from, to }: DigestPeriod): Promise<DigestCheckFailures[]> {
  const rows = await db.$queryRaw<{ service: string; environment: string; check_id: string; name: string; failures: number; runs: number }[]>`
    SELECT a.service, a.environment, c.check_id, max(c.name) AS name,
           (count(*) FILTER (WHERE c.status IN ('FAIL', 'ERROR')))::int AS failures, count(*)::int AS runs
    FROM check_results c JOIN assessments a ON a.id = c.assessment_id
    WHERE a.service = ANY(${[...services]}::text[]) AND a.status = 'COMPLETED'
      AND a.completed_at >= ${from} AND a.completed_at < ${to} AND c.status <> 'SKIPPED'
    GROUP BY a.service, a.environment, c.check_id
    HAVING count(*) FILTER (WHERE c.status IN ('FAIL', 'ERROR')) > 0`;
  return rows.map((row) => ({
    service: row.service,
    environment: row.environment,
    checkId: row.check_id,
    name: row.name,
    failures: row.failures,
    runs: row.runs,
  }));
}

/** Deployments planned or finished in the period, or still active at its end. */
async function deploymentsIn(db: Db, services: readonly string[], { from, to }: DigestPeriod): Promise<DigestDeployment[]> {
  const rows = await db.deployment.findMany({
    where: {
      service: { in: [...services] },
      OR: [{ createdAt: { gte: from, lt: to } }, { finishedAt: { gte: from, lt: to } }, { status: { in: ACTIVE_DEPLOYMENTS } }],
    },
    select: { id: true, service: true, environment: true, version: true, status: true, createdAt: true, finishedAt: true },
  });
  return rows.map((row) => ({ ...row, status: row.status as DeploymentStatus }));
}

/** Incidents opened in the period, and those not resolved at its end, whenever they were opened; oldest first. */
async function incidentsOf(db: Db, { from, to }: DigestPeriod): Promise<{ opened: DigestIncident[]; open: DigestIncident[] }> {
  const [opened, open] = await Promise.all([
    db.incident.findMany({ where: { createdAt: { gte: from, lt: to } }, select: incidentSelect, orderBy: { createdAt: 'asc' } }),
    db.incident.findMany({ where: { status: { not: 'RESOLVED' }, createdAt: { lt: to } }, select: incidentSelect, orderBy: { createdAt: 'asc' } }),
  ]);
  return { opened: opened.map(toIncident), open: open.map(toIncident) };
}

function pendingSignoffs(db: Db, services: readonly string[], now: Date): Promise<DigestPendingSignoff[]> {
  return db.signoffRequest.findMany({
    where: { service: { in: [...services] }, status: 'PENDING', expiresAt: { gt: now } },
    select: { assessmentId: true, service: true, environment: true, expiresAt: true },
  });
}

/** Everything a digest of these services shows for one period; `now` is when "still open" is judged. */
export async function loadDigestData(db: Db, services: readonly string[], period: DigestPeriod, now: Date): Promise<DigestData> {
  const [assessments, before, failures, deployments, incidents, signoffs] = await Promise.all([
    finishedAssessments(db, services, period),
    assessmentsBefore(db, services, period.from),
    checkFailures(db, services, period),
    deploymentsIn(db, services, period),
    incidentsOf(db, period),
    pendingSignoffs(db, services, now),
  ]);
  return {
    assessments,
    before,
    checkFailures: failures,
    deployments,
    incidentsOpened: incidents.opened,
    incidentsOpen: incidents.open,
    pendingSignoffs: signoffs,
  };
}
