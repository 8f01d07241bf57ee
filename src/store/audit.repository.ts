import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from './prisma.ts';

export interface AuditEntry {
  /** A Slack user id, or "system" for automatic actions. */
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  reason?: string | null;
  data?: Record<string, unknown>;
  /** Defaults to action + subject: one event per transition, however often it is attempted. */
  dedupeKey?: string;
}

export function auditInsert(entry: AuditEntry): Prisma.AuditEventCreateInput {
  return {
    actor: entry.actor,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    reason: entry.reason ?? null,
    ...(entry.data === undefined ? {} : { data: entry.data as Prisma.InputJsonObject }),
    dedupeKey: entry.dedupeKey ?? `${entry.action}:${entry.subjectType}:${entry.subjectId}`,
  };
}

export function createAuditRepository(db: Db) {
  return {
    async list(subjectType: string, subjectId: string) {
      return db.auditEvent.findMany({ where: { subjectType, subjectId }, orderBy: { at: 'asc' } });
    },
  };
}
