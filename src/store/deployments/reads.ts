import type { LatestAssessment } from '../../deployments/deploy-gate.ts';
import type { AuditedStep, Guarded } from '../../deployments/deployment.ports.ts';
import type { DeploymentView } from '../../deployments/deployment.types.ts';
import type { Db } from '../prisma.ts';
import { toView, withTasks } from './rows.ts';

export async function findDeployment(db: Db, id: string): Promise<DeploymentView | undefined> {
  const row = await db.deployment.findUnique({ where: { id }, include: withTasks });
  return row ? toView(row) : undefined;
}

/** The latest audited step of `action` on the deployment: who, and the reason recorded. */
export async function lastAudited(db: Db, id: string, action: string): Promise<AuditedStep | undefined> {
  const event = await db.auditEvent.findFirst({
    where: { subjectType: 'deployment', subjectId: id, action },
    orderBy: { seq: 'desc' },
    select: { actor: true, reason: true, seq: true },
  });
  return event ?? undefined;
}

/** What a guarded change reports: whether it applied, and the deployment as it is now, read after it. */
export async function guardedResult(db: Db, id: string, applied: boolean): Promise<Guarded> {
  const deployment = await findDeployment(db, id);
  return applied && deployment ? { applied: true, deployment } : { applied: false, deployment };
}

/** The newest completed assessment of the service and environment: the only one a deployment may rely on. */
export async function latestCompletedAssessment(db: Db, service: string, environment: string): Promise<LatestAssessment | undefined> {
  return (
    (await db.assessment.findFirst({
      where: { service, environment, status: 'COMPLETED' },
      orderBy: { completedAt: 'desc' },
      select: { id: true, requestedBy: true, verdict: true, completedAt: true, channelId: true, messageTs: true },
    })) ?? undefined
  );
}

/** The newest deployment of the service and environment that ever started: what `/readiness rollback` means. */
export async function latestStarted(db: Db, service: string, environment: string): Promise<DeploymentView | undefined> {
  const row = await db.deployment.findFirst({
    where: { service, environment, startedAt: { not: null } },
    orderBy: { startedAt: 'desc' },
    include: withTasks,
  });
  return row ? toView(row) : undefined;
}

/** PLANNED deployments past their expiry: what the recovery sweep expires when their delayed job was lost. */
export async function overduePlans(db: Db, at: Date, limit = 100): Promise<string[]> {
  const rows = await db.deployment.findMany({
    where: { status: 'PLANNED', planExpiresAt: { lte: at } },
    select: { id: true },
    orderBy: { planExpiresAt: 'asc' },
    take: limit,
  });
  return rows.map((row) => row.id);
}
