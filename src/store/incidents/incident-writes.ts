import type { AuditEntry } from '../../audit/audit-entry.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { IncidentChange, IncidentUpdate, IncidentView, NewNotification } from '../../incidents/incident.types.ts';
import { auditInsert } from '../audit.repository.ts';
import { notificationRows, updateData, type IncidentRow, type Tx } from './incident-rows.ts';

/**
 * Inserts the posts in one statement and returns the last seq. Postgres draws a multi-row VALUES list's serials in
 * list order, and the incident's row lock keeps other transitions out meanwhile, so seq is the delivery order.
 */
export async function insertNotifications(tx: Tx, incidentId: string, notifications: readonly NewNotification[]): Promise<number | undefined> {
  if (notifications.length === 0) return undefined;
  const rows = await tx.incidentNotification.createManyAndReturn({ data: notificationRows(incidentId, notifications), select: { seq: true } });
  return Math.max(...rows.map((row) => row.seq));
}

export async function insertAudit(tx: Tx, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 1) await tx.auditEvent.create({ data: auditInsert(entries[0] as AuditEntry) });
  else if (entries.length > 1)
    await tx.auditEvent.createMany({ data: entries.map((entry) => auditInsert(entry) as Prisma.AuditEventCreateManyInput) });
}

/** The incident as the change leaves it, without reading it back. */
export function applyToView(before: IncidentView, set: IncidentUpdate): IncidentView {
  const { mergeKey: _mergeKey, ...visible } = set;
  return { ...before, ...visible };
}

/** Writes a decided change on the locked row, with its audit events and posts; returns the last post's seq. */
export async function writeChange(tx: Tx, locked: IncidentRow, change: IncidentChange): Promise<number | undefined> {
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
