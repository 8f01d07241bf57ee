import { Prisma } from '../generated/prisma/client.ts';
import type { AuditEntry, AuditState } from '../audit/audit-entry.ts';

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
