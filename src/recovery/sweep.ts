import { deliverOwedSignoffWork, type OwedSignoffDeps, type OwedSignoffReport } from '../approvals/deliver-owed.ts';
import { expireOverduePlans } from '../deployments/expire-plan.ts';
import type { DeploymentDeps } from '../deployments/plan-deployment.ts';
import { RECOVERY_GRACE_MS } from './decide-recovery.ts';
import { recoverStrandedWork, type RecoveryReport, type StrandedWorkDeps } from './recover-stranded-work.ts';

export interface RecoverySweepReport extends RecoveryReport, Partial<OwedSignoffReport> {
  /** PLANNED deployments past their expiry whose delayed job was lost, cancelled by this sweep. */
  plansExpired: number;
}

/**
 * One recovery sweep: the work a crash left without a job (recoverStrandedWork), then the plans whose expiry
 * job was lost (expireOverduePlans), both past the same grace period; with `signoffs`, the sign-off messages and
 * notices still owed when nobody touched their request again (deliverOwedSignoffWork).
 */
export async function sweepOnce(
  work: StrandedWorkDeps,
  plans: Pick<DeploymentDeps, 'deployments' | 'effects' | 'now'>,
  signoffs?: OwedSignoffDeps,
): Promise<RecoverySweepReport> {
  return {
    ...(await recoverStrandedWork(work)),
    plansExpired: await expireOverduePlans(plans, work.graceMs ?? RECOVERY_GRACE_MS),
    ...(signoffs ? await deliverOwedSignoffWork(signoffs) : {}),
  };
}

/** Whether a sweep changed or tried to change anything (worth an info line rather than a debug one). */
export const sweepDidSomething = (report: RecoverySweepReport): boolean =>
  report.requeued +
    report.rerun +
    report.gaveUp +
    report.errors +
    report.plansExpired +
    (report.signoffMessages ?? 0) +
    (report.signoffNotices ?? 0) +
    (report.signoffErrors ?? 0) >
  0;
