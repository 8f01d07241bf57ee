import { z } from 'zod';
import type { Timer } from '../../recovery/rebuild-timers.ts';
import type { Db } from '../prisma.ts';

/** What the rollback alarm needs of a stored plan. */
const StoredRollback = z.object({ rollback: z.object({ maxDurationMs: z.number() }) });

/**
 * Every timer the database says is armed, with its due time: the current escalation step of each open incident,
 * the expiry of each PENDING sign-off request, the plan expiry of each PLANNED deployment, and the rollback alarm
 * of each deployment ROLLING_BACK. Small sets (open work only), read together.
 */
export async function armedTimers(db: Db): Promise<Timer[]> {
  const [incidents, requests, plans, rollbacks] = await Promise.all([
    db.incident.findMany({
      where: { status: 'OPEN', escalationDueAt: { not: null } },
      select: { id: true, plan: true, level: true, round: true, escalationDueAt: true },
    }),
    db.signoffRequest.findMany({ where: { status: 'PENDING' }, select: { id: true, expiresAt: true } }),
    db.deployment.findMany({ where: { status: 'PLANNED' }, select: { id: true, planExpiresAt: true } }),
    db.deployment.findMany({
      where: { status: 'ROLLING_BACK', rollbackStartedAt: { not: null } },
      select: { id: true, plan: true, rollbackStartedAt: true },
    }),
  ]);
  const timers: Timer[] = [];
  for (const row of incidents) {
    if (!row.escalationDueAt) continue;
    timers.push({ kind: 'escalation', subjectId: row.id, dueAt: row.escalationDueAt, step: { plan: row.plan, level: row.level, round: row.round } });
  }
  for (const row of requests) timers.push({ kind: 'signoff_expiry', subjectId: row.id, dueAt: row.expiresAt });
  for (const row of plans) timers.push({ kind: 'plan_expiry', subjectId: row.id, dueAt: row.planExpiresAt });
  for (const row of rollbacks) {
    const plan = StoredRollback.safeParse(row.plan);
    if (!plan.success || !row.rollbackStartedAt) continue;
    timers.push({
      kind: 'rollback_deadline',
      subjectId: row.id,
      dueAt: new Date(row.rollbackStartedAt.getTime() + plan.data.rollback.maxDurationMs),
    });
  }
  return timers;
}
