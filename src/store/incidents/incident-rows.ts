import { Prisma } from '../../generated/prisma/client.ts';
import type { NewIncidentRecord, PendingNotification } from '../../incidents/incident.ports.ts';
import type {
  EscalationPolicy,
  IncidentKind,
  IncidentUpdate,
  IncidentView,
  NewNotification,
  ThreadRef,
  TimelineEvent,
} from '../../incidents/incident.types.ts';
import type { Db } from '../prisma.ts';

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
export type IncidentRow = Prisma.IncidentGetPayload<object>;
export type NotificationRow = Prisma.IncidentNotificationGetPayload<object>;

// A delivery holds the incident's row lock across one Slack call (10 s client timeout), so allow for it; a burst of
// incidents (a bad deploy of a shared dependency) may queue for a pool connection for a while.
export const LOCKING_TX = { timeout: 30_000, maxWait: 15_000 };

export const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export const json = (value: unknown) => value as Prisma.InputJsonValue;

export function toView(row: IncidentRow): IncidentView {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    severity: row.severity,
    status: row.status,
    kind: row.kind as IncidentKind,
    service: row.service,
    environment: row.environment,
    cause: row.cause,
    openedBy: row.openedBy,
    summary: row.summary,
    evidence: (row.evidence as Record<string, unknown> | null) ?? null,
    runbookUrl: row.runbookUrl,
    channelId: row.channelId,
    messageTs: row.messageTs,
    threads: row.threads as unknown as ThreadRef[],
    stakeholders: row.stakeholders as unknown as string[],
    occurrences: row.occurrences,
    policy: row.policy as unknown as EscalationPolicy,
    plan: row.plan,
    level: row.level,
    round: row.round,
    escalationDueAt: row.escalationDueAt,
    acknowledgedBy: row.acknowledgedBy,
    acknowledgedAt: row.acknowledgedAt,
    resolvedBy: row.resolvedBy,
    resolvedAt: row.resolvedAt,
    resolutionSummary: row.resolutionSummary,
    timeToAcknowledgeSeconds: row.timeToAcknowledgeSeconds,
    timeToResolveSeconds: row.timeToResolveSeconds,
    createdAt: row.createdAt,
  };
}

export const toPending = (row: NotificationRow): PendingNotification => ({
  id: row.id,
  seq: row.seq,
  incidentId: row.incidentId,
  key: row.key,
  destination: row.destination as NewNotification['destination'],
  channel: row.channel,
  threadTs: row.threadTs,
  onlyWhileOpen: row.onlyWhileOpen,
  event: row.event as unknown as TimelineEvent,
  attempts: row.attempts,
});

/** The columns a transition sets, with its JSON values typed for Prisma. */
export function updateData(set: IncidentUpdate): Prisma.IncidentUpdateManyMutationInput {
  const { policy, threads, stakeholders, ...plain } = set;
  return {
    ...plain,
    ...(policy === undefined ? {} : { policy: json(policy) }),
    ...(threads === undefined ? {} : { threads: json(threads) }),
    ...(stakeholders === undefined ? {} : { stakeholders: json(stakeholders) }),
  };
}

export function notificationRows(incidentId: string, notifications: readonly NewNotification[]): Prisma.IncidentNotificationCreateManyInput[] {
  return notifications.map((n) => ({
    incidentId,
    key: n.key,
    destination: n.destination,
    channel: n.destination === 'thread' || n.destination === 'dm' ? n.channel : null,
    threadTs: n.destination === 'thread' ? n.threadTs : null,
    onlyWhileOpen: n.onlyWhileOpen,
    event: json(n.event),
  }));
}

/** Locks the incident's row for the rest of the transaction, then reads it. */
export async function lockIncident(tx: Tx, id: string): Promise<IncidentRow | undefined> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM incidents WHERE id = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) return undefined;
  return (await tx.incident.findUnique({ where: { id } })) ?? undefined;
}

export function createData(record: NewIncidentRecord): Prisma.IncidentCreateInput {
  return {
    ...record,
    evidence: record.evidence === null ? Prisma.DbNull : json(record.evidence),
    threads: json(record.threads),
    stakeholders: json(record.stakeholders),
    policy: json(record.policy),
  };
}
