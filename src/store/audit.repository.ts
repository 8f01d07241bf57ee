import { Prisma } from '../generated/prisma/client.ts';
import type { Db } from './prisma.ts';

/**
 * The part of a subject's state an action is about (`{ status: 'PENDING', decision: null }`), small enough to read
 * in the trail. Null: the subject did not exist before the action (it created it).
 */
export type AuditState = Record<string, unknown> | null;

export interface AuditEntry {
  /** A Slack user id, or "system" for automatic actions. */
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  /** The state the action found; required, so every writer says what was true before, not what it assumes. */
  before: AuditState;
  /** The state the action left. */
  after: AuditState;
  reason?: string | null;
  data?: Record<string, unknown>;
  /** Defaults to action + subject: one event per transition, however often it is attempted. */
  dedupeKey?: string;
}

const jsonState = (state: AuditState) => (state === null ? Prisma.DbNull : (state as Prisma.InputJsonObject));

export function auditInsert(entry: AuditEntry): Prisma.AuditEventCreateInput {
  return {
    actor: entry.actor,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    reason: entry.reason ?? null,
    ...(entry.data === undefined ? {} : { data: entry.data as Prisma.InputJsonObject }),
    before: jsonState(entry.before),
    after: jsonState(entry.after),
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
