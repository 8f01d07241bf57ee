import { Prisma } from '../generated/prisma/client.ts';
import type { AuditEntry } from './audit.repository.ts';
import { auditInsert } from './audit.repository.ts';
import type { Db } from './prisma.ts';
import type {
  Decision,
  EscalationPolicy,
  EscalationStep,
  IncidentChange,
  IncidentEventView,
  IncidentKind,
  IncidentUpdate,
  IncidentView,
  NewNotification,
  ThreadRef,
  TimelineEvent,
} from '../incidents/incident.types.ts';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
type IncidentRow = Prisma.IncidentGetPayload<object>;
type NotificationRow = Prisma.IncidentNotificationGetPayload<object>;

// A delivery holds the incident's row lock across one Slack call (10 s client timeout), so allow for it; a burst of
// incidents (a bad deploy of a shared dependency) may queue for a pool connection for a while.
const LOCKING_TX = { timeout: 30_000, maxWait: 15_000 };

const OPEN_STATUSES = ['OPEN', 'ACKNOWLEDGED'] as const;

function toView(row: IncidentRow): IncidentView {
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

/** A notification waiting to be posted, as the delivery code sees it. */
export interface PendingNotification {
  id: string;
  seq: number;
  incidentId: string;
  key: string;
  destination: NewNotification['destination'];
  channel: string | null;
  threadTs: string | null;
  onlyWhileOpen: boolean;
  event: TimelineEvent;
  attempts: number;
}

const toPending = (row: NotificationRow): PendingNotification => ({
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

/** What a new incident is inserted with, typed as its view reads it back; the other columns take their defaults. */
export type NewIncidentRecord = Pick<
  IncidentView,
  | 'id'
  | 'title'
  | 'severity'
  | 'kind'
  | 'service'
  | 'environment'
  | 'cause'
  | 'openedBy'
  | 'summary'
  | 'evidence'
  | 'runbookUrl'
  | 'channelId'
  | 'threads'
  | 'stakeholders'
  | 'policy'
  | 'escalationDueAt'
  | 'createdAt'
> & {
  requestKey: string;
  mergeKey: string | null;
};

export type CreateOutcome =
  | { created: true; incident: IncidentView; lastSeq: number | undefined }
  | { created: false; conflict: 'request_key'; existing: IncidentView }
  | { created: false; conflict: 'merge_key' };

export type ApplyOutcome<R> =
  | { applied: true; before: IncidentView; after: IncidentView; lastSeq: number | undefined }
  | { applied: false; refusal: R; current: IncidentView }
  | { applied: false; refusal: 'not_found' }
  | { applied: false; refusal: 'duplicate' };

export type DeliveryStep =
  | { kind: 'idle' }
  | { kind: 'sent'; notification: PendingNotification; channel: string; ts: string }
  | { kind: 'superseded'; notification: PendingNotification };

/** Renders and posts one notification while the incident's row is locked; undefined when there is nothing to post. */
export type SendNotification = (
  notification: PendingNotification,
  incident: IncidentView,
  events: IncidentEventView[],
) => Promise<{ channel: string; ts: string } | undefined>;

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

const json = (value: unknown) => value as Prisma.InputJsonValue;

function updateData(set: IncidentUpdate): Prisma.IncidentUpdateManyMutationInput {
  const { policy, threads, stakeholders, ...plain } = set;
  return {
    ...plain,
    ...(policy === undefined ? {} : { policy: json(policy) }),
    ...(threads === undefined ? {} : { threads: json(threads) }),
    ...(stakeholders === undefined ? {} : { stakeholders: json(stakeholders) }),
  };
}

function notificationRows(incidentId: string, notifications: readonly NewNotification[]): Prisma.IncidentNotificationCreateManyInput[] {
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

async function lockIncident(tx: Tx, id: string): Promise<IncidentRow | undefined> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM incidents WHERE id = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) return undefined;
  return (await tx.incident.findUnique({ where: { id } })) ?? undefined;
}

const hasPending = async (db: Db, incidentId: string) =>
  (await db.incidentNotification.findFirst({ where: { incidentId, status: 'PENDING' }, select: { id: true } })) !== null;

/**
 * Inserts the posts in one statement and returns the last seq. Postgres draws a multi-row VALUES list's serials in
 * list order, and the incident's row lock keeps other transitions out meanwhile, so seq is the delivery order.
 */
async function insertNotifications(tx: Tx, incidentId: string, notifications: readonly NewNotification[]): Promise<number | undefined> {
  if (notifications.length === 0) return undefined;
  const rows = await tx.incidentNotification.createManyAndReturn({ data: notificationRows(incidentId, notifications), select: { seq: true } });
  return Math.max(...rows.map((row) => row.seq));
}

async function insertAudit(tx: Tx, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 1) await tx.auditEvent.create({ data: auditInsert(entries[0] as AuditEntry) });
  else if (entries.length > 1)
    await tx.auditEvent.createMany({ data: entries.map((entry) => auditInsert(entry) as Prisma.AuditEventCreateManyInput) });
}

/** The incident as the change leaves it, without reading it back. */
function applyToView(before: IncidentView, set: IncidentUpdate): IncidentView {
  const { mergeKey: _mergeKey, ...visible } = set;
  return { ...before, ...visible };
}

async function writeChange(tx: Tx, locked: IncidentRow, change: IncidentChange): Promise<number | undefined> {
  if (Object.keys(change.set).length > 0) {
    // The row lock already serialises transitions; the guard states what the decision was made from.
    const { count } = await tx.incident.updateMany({
      where: { id: locked.id, status: locked.status, plan: locked.plan, level: locked.level, round: locked.round },
      data: updateData(change.set),
    });
    if (count !== 1) throw new Error(`incident ${locked.id} changed under its row lock`);
  }
  await insertAudit(tx, change.audit);
  return insertNotifications(tx, locked.id, change.notifications);
}

async function eventsOf(client: Tx | Db, incidentId: string): Promise<IncidentEventView[]> {
  const rows = await client.auditEvent.findMany({ where: { subjectType: 'incident', subjectId: incidentId }, orderBy: { at: 'asc' } });
  return rows.map((row) => ({
    action: row.action,
    actor: row.actor,
    at: row.at,
    reason: row.reason,
    data: (row.data as Record<string, unknown> | null) ?? {},
  }));
}

/** Only the alert and the review show the incident's history. */
const needsEvents = (row: NotificationRow) =>
  row.destination === 'alert' || row.destination === 'alert_update' || (row.event as { type?: string }).type === 'review';

/** Incidents and their outbox. Every transition is decided on the row as locked, and applied with its posts and audit. */
export function createIncidentRepository(db: Db) {
  return {
    /** Records a new incident with its first posts. A repeated request key or an open duplicate is reported, not thrown. */
    async create(record: NewIncidentRecord, effects: { audit: AuditEntry[]; notifications: NewNotification[] }): Promise<CreateOutcome> {
      try {
        return await db.$transaction(async (tx) => {
          const row = await tx.incident.create({
            data: {
              ...record,
              evidence: record.evidence === null ? Prisma.DbNull : json(record.evidence),
              threads: json(record.threads),
              stakeholders: json(record.stakeholders),
              policy: json(record.policy),
            },
          });
          await insertAudit(tx, effects.audit);
          const lastSeq = await insertNotifications(tx, row.id, effects.notifications);
          return { created: true as const, incident: toView(row), lastSeq };
        }, LOCKING_TX);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const existing = await db.incident.findUnique({ where: { requestKey: record.requestKey } });
        if (existing) return { created: false, conflict: 'request_key', existing: toView(existing) };
        return { created: false, conflict: 'merge_key' };
      }
    },

    /**
     * Locks the incident, lets `decide` choose the change from its current state, and applies it with its audit
     * events and posts in the same transaction. An audit event whose dedupe key exists already means this very
     * change was applied before: reported as `duplicate`.
     */
    async apply<R>(id: string, now: () => Date, decide: (current: IncidentView, at: Date) => Decision<R>): Promise<ApplyOutcome<R>> {
      try {
        return await db.$transaction(async (tx): Promise<ApplyOutcome<R>> => {
          const locked = await lockIncident(tx, id);
          if (!locked) return { applied: false, refusal: 'not_found' };
          const before = toView(locked);
          // Taken once the lock is held: nothing recorded after this instant can precede the change.
          const decision = decide(before, now());
          if (!decision.ok) return { applied: false, refusal: decision.refusal, current: before };
          const lastSeq = await writeChange(tx, locked, decision.change);
          return { applied: true, before, after: applyToView(before, decision.change.set), lastSeq };
        }, LOCKING_TX);
      } catch (error) {
        if (isUniqueViolation(error)) return { applied: false, refusal: 'duplicate' };
        throw error;
      }
    },

    async find(id: string): Promise<IncidentView | undefined> {
      const row = await db.incident.findUnique({ where: { id } });
      return row ? toView(row) : undefined;
    },

    async findOpenByMergeKey(mergeKey: string): Promise<IncidentView | undefined> {
      const row = await db.incident.findUnique({ where: { mergeKey } });
      return row && row.status !== 'RESOLVED' ? toView(row) : undefined;
    },

    /** Open and acknowledged incidents, most severe first, oldest first within a severity. */
    async listOpen(): Promise<IncidentView[]> {
      const rows = await db.incident.findMany({
        where: { status: { in: [...OPEN_STATUSES] } },
        orderBy: [{ severity: 'asc' }, { createdAt: 'asc' }],
        take: 100,
      });
      return rows.map(toView);
    },

    events(incidentId: string): Promise<IncidentEventView[]> {
      return eventsOf(db, incidentId);
    },

    /**
     * Delivers the incident's next pending post, in seq order, while holding the incident's row lock: an
     * acknowledgement waits for a page being sent, and a page still waiting when the acknowledgement lands is
     * superseded instead of sent. An alert update with a newer one behind it is skipped (the newer shows more).
     */
    async deliverNext(incidentId: string, now: () => Date, send: SendNotification): Promise<DeliveryStep> {
      // Most delivery jobs find their posts already sent by an earlier one: say so without taking the lock.
      if (!(await hasPending(db, incidentId))) return { kind: 'idle' };
      return db.$transaction(async (tx): Promise<DeliveryStep> => {
        const locked = await lockIncident(tx, incidentId);
        if (!locked) return { kind: 'idle' };
        const row = await tx.incidentNotification.findFirst({ where: { incidentId, status: 'PENDING' }, orderBy: { seq: 'asc' } });
        if (!row) return { kind: 'idle' };
        const notification = toPending(row);
        const stale =
          (row.onlyWhileOpen && locked.status !== 'OPEN') ||
          (row.destination === 'alert_update' &&
            (await tx.incidentNotification.count({
              where: { incidentId, status: 'PENDING', destination: 'alert_update', seq: { gt: row.seq } },
            })) > 0);
        if (stale) {
          await tx.incidentNotification.update({ where: { id: row.id }, data: { status: 'SUPERSEDED' } });
          return { kind: 'superseded', notification };
        }
        const events = needsEvents(row) ? await eventsOf(tx, incidentId) : [];
        const posted = await send(notification, toView(locked), events);
        if (!posted) {
          await tx.incidentNotification.update({ where: { id: row.id }, data: { status: 'SUPERSEDED' } });
          return { kind: 'superseded', notification };
        }
        await tx.incidentNotification.update({
          where: { id: row.id },
          data: { status: 'SENT', postedChannel: posted.channel, postedTs: posted.ts, sentAt: now(), attempts: { increment: 1 }, error: null },
        });
        if (row.destination === 'alert') {
          await tx.incident.updateMany({ where: { id: incidentId, messageTs: null }, data: { messageTs: posted.ts } });
        }
        return { kind: 'sent', notification, ...posted };
      }, LOCKING_TX);
    },

    /** Whether the alert itself went out: PENDING, SENT, or FAILED with Slack's error. */
    async alertDelivery(incidentId: string): Promise<{ status: string; error: string | null } | undefined> {
      const row = await db.incidentNotification.findFirst({ where: { incidentId, destination: 'alert' }, select: { status: true, error: true } });
      return row ?? undefined;
    },

    /** Counts a failed attempt at a post that will be retried. */
    async recordAttempt(notificationId: string, error: string): Promise<void> {
      await db.incidentNotification.updateMany({
        where: { id: notificationId, status: 'PENDING' },
        data: { attempts: { increment: 1 }, error: error.slice(0, 500) },
      });
    },

    /** Gives up on a post Slack refuses for good, records why, and queues the follow-up posts that say so. */
    async markFailed(
      notificationId: string,
      error: string,
      followUp: { audit: AuditEntry; notifications: NewNotification[] },
    ): Promise<{ failed: boolean; lastSeq: number | undefined }> {
      return db.$transaction(async (tx) => {
        const row = await tx.incidentNotification.findUnique({ where: { id: notificationId } });
        if (!row) return { failed: false, lastSeq: undefined };
        const { count } = await tx.incidentNotification.updateMany({
          where: { id: notificationId, status: 'PENDING' },
          data: { status: 'FAILED', attempts: { increment: 1 }, error: error.slice(0, 500) },
        });
        if (count === 0) return { failed: false, lastSeq: undefined };
        await tx.auditEvent.create({ data: auditInsert(followUp.audit) });
        const lastSeq = await insertNotifications(tx, row.incidentId, followUp.notifications);
        return { failed: true, lastSeq };
      }, LOCKING_TX);
    },

    /** What a restarted worker must make sure is scheduled: open escalations and undelivered posts. */
    async recoverable(): Promise<{
      escalations: { id: string; step: EscalationStep; dueAt: Date }[];
      undelivered: { incidentId: string; seq: number }[];
    }> {
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
    },

    /** The latest completed assessment of the service and environment before this one: was it GO, and how did each check fare. */
    async previousCompletedAssessment(
      service: string,
      environment: string,
      before: { id: string; createdAt: Date },
    ): Promise<{ id: string; verdict: string | null; checks: { checkId: string; status: string }[] } | undefined> {
      const row = await db.assessment.findFirst({
        where: { service, environment, status: 'COMPLETED', createdAt: { lt: before.createdAt }, id: { not: before.id } },
        orderBy: { createdAt: 'desc' },
        select: { id: true, verdict: true, checks: { select: { checkId: true, status: true } } },
      });
      return row ?? undefined;
    },
  };
}
export type IncidentRepository = ReturnType<typeof createIncidentRepository>;
