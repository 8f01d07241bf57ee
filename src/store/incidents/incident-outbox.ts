import type { DeliveryStep, FailedDelivery, PendingNotification, SendNotification } from '../../incidents/incident.ports.ts';
import { auditInsert } from '../audit.repository.ts';
import type { Db } from '../prisma.ts';
import { lockIncident, LOCKING_TX, toPending, toView, type IncidentRow, type NotificationRow, type Tx } from './incident-rows.ts';
import { eventsOf } from './incident-reads.ts';
import { insertNotifications } from './incident-writes.ts';

const hasPending = async (db: Db, incidentId: string) =>
  (await db.incidentNotification.findFirst({ where: { incidentId, status: 'PENDING' }, select: { id: true } })) !== null;

/** Only the alert and the review show the incident's history. */
const needsEvents = (row: NotificationRow) =>
  row.destination === 'alert' || row.destination === 'alert_update' || (row.event as { type?: string }).type === 'review';

/** A page once the incident is no longer open, or an alert update with a newer one queued behind it. */
async function isStale(tx: Tx, locked: IncidentRow, row: NotificationRow): Promise<boolean> {
  if (row.onlyWhileOpen && locked.status !== 'OPEN') return true;
  if (row.destination !== 'alert_update') return false;
  const newer = await tx.incidentNotification.count({
    where: { incidentId: locked.id, status: 'PENDING', destination: 'alert_update', seq: { gt: row.seq } },
  });
  return newer > 0;
}

async function supersede(tx: Tx, notification: PendingNotification): Promise<DeliveryStep> {
  await tx.incidentNotification.update({ where: { id: notification.id }, data: { status: 'SUPERSEDED' } });
  return { kind: 'superseded', notification };
}

/** Records where the post landed; the first alert's ts becomes the incident's message. */
async function markSent(tx: Tx, row: NotificationRow, posted: { channel: string; ts: string }, at: Date): Promise<void> {
  await tx.incidentNotification.update({
    where: { id: row.id },
    data: { status: 'SENT', postedChannel: posted.channel, postedTs: posted.ts, sentAt: at, attempts: { increment: 1 }, error: null },
  });
  if (row.destination === 'alert') {
    await tx.incident.updateMany({ where: { id: row.incidentId, messageTs: null }, data: { messageTs: posted.ts } });
  }
}

/** Sends the incident's next pending post under its row lock (see IncidentRepository.deliverNext). */
async function deliverLocked(tx: Tx, incidentId: string, now: () => Date, send: SendNotification): Promise<DeliveryStep> {
  const locked = await lockIncident(tx, incidentId);
  if (!locked) return { kind: 'idle' };
  const row = await tx.incidentNotification.findFirst({ where: { incidentId, status: 'PENDING' }, orderBy: { seq: 'asc' } });
  if (!row) return { kind: 'idle' };
  const notification = toPending(row);
  if (await isStale(tx, locked, row)) return supersede(tx, notification);
  const events = needsEvents(row) ? await eventsOf(tx, incidentId) : [];
  const posted = await send(notification, toView(locked), events);
  if (!posted) return supersede(tx, notification);
  await markSent(tx, row, posted, now());
  return { kind: 'sent', notification, ...posted };
}

export async function deliverNext(db: Db, incidentId: string, now: () => Date, send: SendNotification): Promise<DeliveryStep> {
  // Most delivery jobs find their posts already sent by an earlier one: say so without taking the lock.
  if (!(await hasPending(db, incidentId))) return { kind: 'idle' };
  return db.$transaction((tx) => deliverLocked(tx, incidentId, now, send), LOCKING_TX);
}

export async function alertDelivery(db: Db, incidentId: string): Promise<{ status: string; error: string | null } | undefined> {
  const row = await db.incidentNotification.findFirst({ where: { incidentId, destination: 'alert' }, select: { status: true, error: true } });
  return row ?? undefined;
}

export async function recordAttempt(db: Db, notificationId: string, error: string): Promise<void> {
  await db.incidentNotification.updateMany({
    where: { id: notificationId, status: 'PENDING' },
    data: { attempts: { increment: 1 }, error: error.slice(0, 500) },
  });
}

export async function markFailed(
  db: Db,
  notificationId: string,
  error: string,
  followUp: FailedDelivery,
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
}
