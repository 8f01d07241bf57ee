import type { ApplyOutcome, CreateOutcome, IncidentEffects, NewIncidentRecord } from '../../incidents/incident.ports.ts';
import type { Decision, IncidentView } from '../../incidents/incident.types.ts';
import type { Db } from '../prisma.ts';
import { createData, isUniqueViolation, lockIncident, LOCKING_TX, toView } from './incident-rows.ts';
import { applyToView, insertAudit, insertNotifications, writeChange } from './incident-writes.ts';

/** Records a new incident with its first posts. A repeated request key or an open duplicate is reported, not thrown. */
export async function createIncident(db: Db, record: NewIncidentRecord, effects: IncidentEffects): Promise<CreateOutcome> {
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.incident.create({ data: createData(record) });
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
}

/**
 * Locks the incident, lets `decide` choose the change from its current state, and applies it with its audit events
 * and posts in the same transaction. A repeated audit dedupe key means this very change was applied before.
 */
export async function applyChange<R>(
  db: Db,
  id: string,
  now: () => Date,
  decide: (current: IncidentView, at: Date) => Decision<R>,
): Promise<ApplyOutcome<R>> {
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
}
