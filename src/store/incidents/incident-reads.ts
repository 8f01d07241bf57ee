import type { PreviousAssessment, RecoverableWork } from '../../incidents/incident.ports.ts';
import type { IncidentEventView, IncidentView } from '../../incidents/incident.types.ts';
import type { Db } from '../prisma.ts';
import { toView, type Tx } from './incident-rows.ts';

const OPEN_STATUSES = ['OPEN', 'ACKNOWLEDGED'] as const;

/** The incident's audit events, oldest first: its timeline. */
export async function eventsOf(client: Tx | Db, incidentId: string): Promise<IncidentEventView[]> {
  const rows = await client.auditEvent.findMany({ where: { subjectType: 'incident', subjectId: incidentId }, orderBy: { at: 'asc' } });
  return rows.map((row) => ({
    action: row.action,
    actor: row.actor,
    at: row.at,
    reason: row.reason,
    data: (row.data as Record<string, unknown> | null) ?? {},
  }));
}

export async function findIncident(db: Db, id: string): Promise<IncidentView | undefined> {
  const row = await db.incident.findUnique({ where: { id } });
  return row ? toView(row) : undefined;
}

export async function findOpenByMergeKey(db: Db, mergeKey: string): Promise<IncidentView | undefined> {
  const row = await db.incident.findUnique({ where: { mergeKey } });
  return row && row.status !== 'RESOLVED' ? toView(row) : undefined;
}

/** Open and acknowledged incidents, most severe first, oldest first within a severity. */
export async function listOpenIncidents(db: Db): Promise<IncidentView[]> {
  const rows = await db.incident.findMany({
    where: { status: { in: [...OPEN_STATUSES] } },
    orderBy: [{ severity: 'asc' }, { createdAt: 'asc' }],
    take: 100,
  });
  return rows.map(toView);
}

/** What a restarted worker must make sure is scheduled: open escalations and undelivered posts. */
export async function recoverableWork(db: Db): Promise<RecoverableWork> {
  const open = await db.incident.findMany({
    where: { status: 'OPEN', escalationDueAt: { not: null } },
    select: { id: true, plan: true, level: true, round: true, escalationDueAt: true },
  });
  const pending = await db.incidentNotification.groupBy({ by: ['incidentId'], where: { status: 'PENDING' }, _min: { seq: true } });
  return {
    escalations: open.map((row) => ({
      id: row.id,
      step: { plan: row.plan, level: row.level, round: row.round },
      dueAt: row.escalationDueAt as Date,
    })),
    undelivered: pending.map((group) => ({ incidentId: group.incidentId, seq: group._min.seq ?? 0 })),
  };
}

/** The latest completed assessment of the service and environment before this one: was it GO, and how did each check fare. */
export async function previousCompletedAssessment(
  db: Db,
  service: string,
  environment: string,
  before: { id: string; createdAt: Date },
): Promise<PreviousAssessment | undefined> {
  const row = await db.assessment.findFirst({
    where: { service, environment, status: 'COMPLETED', createdAt: { lt: before.createdAt }, id: { not: before.id } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, verdict: true, checks: { select: { checkId: true, status: true } } },
  });
  return row ?? undefined;
}
