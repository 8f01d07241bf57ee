import { formatDuration } from '../shared/duration.ts';
import type { DeploymentDeps } from './plan-deployment.ts';
import type { DeploymentView } from './deployment.types.ts';

/** Why an expired plan was cancelled, as recorded on the deployment and shown on its message. */
export const planExpiredReason = (deployment: Pick<DeploymentView, 'createdAt' | 'planExpiresAt'>) =>
  `the plan expired unstarted (plans expire ${formatDuration(deployment.planExpiresAt.getTime() - deployment.createdAt.getTime())} after they are made); plan again with /readiness deploy`;

export type ExpirePlanResult = { expired: true; deployment: DeploymentView } | { expired: false; reason: 'not_found' | 'not_due' | 'not_planned' };

/**
 * A PLANNED deployment past its expiry becomes CANCELLED, once (a guarded transition, audited as
 * `deployment.expired`); its message is re-rendered to say so. Run by its delayed job, by Start finding it
 * overdue, and by the recovery sweep when the job was lost. Early or repeated calls change nothing.
 */
export async function expirePlan(deps: Pick<DeploymentDeps, 'deployments' | 'effects' | 'now'>, deploymentId: string): Promise<ExpirePlanResult> {
  const current = await deps.deployments.find(deploymentId);
  if (!current) return { expired: false, reason: 'not_found' };
  if (current.status !== 'PLANNED') return { expired: false, reason: 'not_planned' };
  const at = deps.now();
  if (current.planExpiresAt.getTime() > at.getTime()) return { expired: false, reason: 'not_due' };
  const result = await deps.deployments.expirePlan(deploymentId, planExpiredReason(current), at);
  if (!result.applied) return { expired: false, reason: 'not_planned' };
  await deps.effects.publish(result.deployment);
  return { expired: true, deployment: result.deployment };
}

/**
 * The recovery path when a plan's delayed job was lost (Redis flushed, a crash before it was added): expires every
 * PLANNED deployment more than `graceMs` past its expiry (the job normally gets there first). Run by the workers'
 * recovery sweep; safe in every replica at once.
 */
export async function expireOverduePlans(deps: Pick<DeploymentDeps, 'deployments' | 'effects' | 'now'>, graceMs: number): Promise<number> {
  let expired = 0;
  for (const id of await deps.deployments.overduePlans(new Date(deps.now().getTime() - graceMs)))
    if ((await expirePlan(deps, id)).expired) expired += 1;
  return expired;
}
