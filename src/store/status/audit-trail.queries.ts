import { Prisma } from '../../generated/prisma/client.ts';
import type { AuditFilter, AuditWindow } from '../../status/status.ports.ts';
import type { AuditTrailEvent } from '../../status/status.types.ts';
import type { Db } from '../prisma.ts';

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  reason: string | null;
  data: unknown;
  before: unknown;
  after: unknown;
  environment: string | null;
  assessment_id: string | null;
  incident_number: number | null;
}

/**
 * The subjects (assessments, sign-off requests, incidents) that belong to a service: audit events only name their
 * subject, so the service is found through the subject's own row.
 */
function subjectsOf(filter: AuditFilter): Prisma.Sql {
  const environment = filter.environment;
  return Prisma.sql`
    SELECT 'assessment'::text AS subject_type, a.id::text AS subject_id, a.environment, a.id::text AS assessment_id, NULL::int AS incident_number
    FROM assessments a
    WHERE a.service = ${filter.service} AND (${environment}::text IS NULL OR a.environment = ${environment}::text)
    UNION ALL
    SELECT 'signoff_request', r.id::text, r.environment, r.assessment_id::text, NULL::int
    FROM signoff_requests r
    WHERE r.service = ${filter.service} AND (${environment}::text IS NULL OR r.environment = ${environment}::text)
    UNION ALL
    SELECT 'incident', i.id::text, i.environment, NULL::text, i.number
    FROM incidents i
    WHERE i.service = ${filter.service} AND (${environment}::text IS NULL OR i.environment IS NULL OR i.environment = ${environment}::text)`;
}

const asObject = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const stateOf = (value: unknown): Record<string, unknown> | null => (value === null || value === undefined ? null : asObject(value));

/** How many audit events the service (or one environment of it) has. */
export async function countAuditEvents(db: Db, filter: AuditFilter): Promise<number> {
  const [row] = await db.$queryRaw<{ total: number }[]>`
    WITH subjects AS (${subjectsOf(filter)})
    SELECT count(*)::int AS total
    FROM audit_events e JOIN subjects s ON s.subject_type = e.subject_type AND s.subject_id = e.subject_id`;
  return row?.total ?? 0;
}

/** Newest first; events recorded in the same millisecond keep one fixed order, so pages never overlap. */
export async function auditEvents(db: Db, filter: AuditFilter, window: AuditWindow): Promise<AuditTrailEvent[]> {
  const rows = await db.$queryRaw<AuditRow[]>`
    WITH subjects AS (${subjectsOf(filter)})
    SELECT e.id::text AS id, e.at AS at, e.actor, e.action, e.subject_type, e.subject_id, e.reason, e.data, e.before, e.after,
           s.environment, s.assessment_id, s.incident_number
    FROM audit_events e JOIN subjects s ON s.subject_type = e.subject_type AND s.subject_id = e.subject_id
    ORDER BY e.at DESC, e.seq DESC
    LIMIT ${window.limit}::int OFFSET ${window.offset}::int`;
  const checkNames = await attestedCheckNames(db, rows);
  return rows.map((row) => toAuditTrailEvent(row, checkNames));
}

function toAuditTrailEvent(row: AuditRow, checkNames: ReadonlyMap<string, string>): AuditTrailEvent {
  const data = asObject(row.data);
  const checkId = typeof data.checkId === 'string' ? data.checkId : undefined;
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    reason: row.reason,
    data,
    before: stateOf(row.before),
    after: stateOf(row.after),
    environment: row.environment,
    assessmentId: row.assessment_id,
    incidentNumber: row.incident_number,
    checkName: row.action === 'check.attested' && checkId ? (checkNames.get(`${row.subject_id}/${checkId}`) ?? null) : null,
  };
}

/** An attestation event names its check by id; people know it by the name it had in that assessment. */
async function attestedCheckNames(db: Db, rows: readonly AuditRow[]): Promise<Map<string, string>> {
  const wanted = rows.flatMap((row) => {
    const checkId = asObject(row.data).checkId;
    return row.action === 'check.attested' && typeof checkId === 'string' ? [{ assessmentId: row.subject_id, checkId }] : [];
  });
  if (wanted.length === 0) return new Map();
  const found = await db.checkResult.findMany({ where: { OR: wanted }, select: { assessmentId: true, checkId: true, name: true } });
  return new Map(found.map((check) => [`${check.assessmentId}/${check.checkId}`, check.name]));
}
