import type { StateCounts, StateCountsRepository } from '../status/system-state.ts';
import type { Db } from './prisma.ts';

/** Read-only counts behind `/metrics`: small grouped queries, cheap enough for every scrape. */
export function createMetricsRepository(db: Db): StateCountsRepository {
  return {
    async stateCounts(services: readonly string[]): Promise<StateCounts> {
      const [assessments, deployments, incidents, latest, unassessableLastDay] = await Promise.all([
        db.assessment.groupBy({ by: ['status'], where: { status: { in: ['QUEUED', 'RUNNING'] } }, _count: { _all: true } }),
        db.deployment.groupBy({
          by: ['status'],
          where: { status: { in: ['PLANNED', 'RUNNING', 'PAUSED', 'ROLLING_BACK'] } },
          _count: { _all: true },
        }),
        db.incident.groupBy({ by: ['status', 'severity'], where: { status: { not: 'RESOLVED' } }, _count: { _all: true } }),
        db.$queryRaw<{ service: string; environment: string; verdict: string | null; score: number | null; completed_at: Date }[]>`
          SELECT DISTINCT ON (service, environment) service, environment, verdict, score, completed_at
          FROM assessments
          WHERE service = ANY(${[...services]}::text[]) AND status = 'COMPLETED'
          ORDER BY service, environment, completed_at DESC`,
        db.assessment.count({ where: { status: 'UNASSESSABLE', completedAt: { gte: new Date(Date.now() - 24 * 3600_000) } } }),
      ]);
      return {
        assessments: assessments.map((row) => ({ status: row.status, count: row._count._all })),
        deployments: deployments.map((row) => ({ status: row.status, count: row._count._all })),
        incidents: incidents.map((row) => ({ status: row.status, severity: row.severity, count: row._count._all })),
        latest: latest.map((row) => ({
          service: row.service,
          environment: row.environment,
          verdict: row.verdict,
          score: row.score,
          completedAt: row.completed_at,
        })),
        unassessableLastDay,
      };
    },
  };
}
