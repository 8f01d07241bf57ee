import type { DeploymentSubject, LockHolder } from '../../deployments/deployment.ports.ts';
import type { DeploymentStatus } from '../../deployments/deployment.types.ts';
import type { Db } from '../prisma.ts';
import type { Tx } from './rows.ts';

type LockedRow = { status: DeploymentStatus; generation: number };

/**
 * Locks the deployment's row for the rest of the transaction. Resume takes it exclusively and the start of a task
 * takes it shared, so Resume's look at which tasks are RUNNING and its choice of generation see every task start
 * before it, and no task of the old generation starts after it (read committed: each later statement sees what
 * committed before the lock was granted).
 */
export async function lockDeploymentRow(tx: Tx, id: string, mode: 'update' | 'share'): Promise<LockedRow | undefined> {
  const rows =
    mode === 'update'
      ? await tx.$queryRaw<LockedRow[]>`SELECT status::text AS status, generation FROM deployments WHERE id = ${id}::uuid FOR UPDATE`
      : await tx.$queryRaw<LockedRow[]>`SELECT status::text AS status, generation FROM deployments WHERE id = ${id}::uuid FOR SHARE`;
  return rows[0];
}

/** Who holds the service+environment, if anyone. */
export async function findLock(db: Db | Tx, service: string, environment: string): Promise<LockHolder | undefined> {
  return (await db.deploymentLock.findUnique({ where: { service_environment: { service, environment } } })) ?? undefined;
}

/** Releases the service+environment lock, only if this deployment holds it. */
export function releaseLock(tx: Tx, deployment: DeploymentSubject) {
  return tx.deploymentLock.deleteMany({ where: { service: deployment.service, environment: deployment.environment, deploymentId: deployment.id } });
}
