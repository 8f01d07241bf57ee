import { separationOfDutiesFor, signoffPolicyFor } from '../approvals/policy-lookup.ts';
import type { LockHolder } from './deployment.ports.ts';
import { checkDeployGate, type GateRefusal } from './deploy-gate.ts';
import type { DeploymentStatus, DeploymentView } from './deployment.types.ts';
import { expirePlan } from './expire-plan.ts';
import { freshnessFor } from './gate-policy.ts';
import type { DeploymentDeps } from './plan-deployment.ts';
import { ownApproval, protectedWithoutDeployer, type NoDeployerRole, type OwnApproval } from './separation-of-duties.ts';
import { deployPolicyFor } from './deploy-policy.ts';

/** The newest completed assessment, as a refusal names it. */
export interface NewestAssessment {
  id: string;
  requestedBy: string;
  verdict: string | null;
}

/** Why Start was refused although the deployment is PLANNED: the GO it relied on no longer holds. */
export type StartRefusal =
  | { reason: 'plan_expired'; expiredAt: Date }
  | { reason: 'superseded'; newest: NewestAssessment }
  | { reason: 'no_longer_go'; gate: GateRefusal; newest: NewestAssessment | undefined }
  | OwnApproval
  | NoDeployerRole
  | { reason: 'gate_changed' };

export type StartResult =
  | { ok: true; deployment: DeploymentView }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'wrong_state'; status: DeploymentStatus; action: 'start' }
  | { ok: false; reason: 'locked'; lock: LockHolder }
  | { ok: false; reason: 'start_refused'; service: string; environment: string; refusal: StartRefusal };

// A new assessment landing between the look and the guarded statement makes the statement a no-op; look again.
const ATTEMPTS = 3;

/** Whether the GO still holds now: the plan's assessment is the newest, still GO, fresh, its sign-offs standing. */
async function whyNotStart(deps: DeploymentDeps, deployment: DeploymentView, userId: string, at: Date): Promise<StartRefusal | undefined> {
  if (deployment.planExpiresAt.getTime() <= at.getTime()) {
    await expirePlan(deps, deployment.id);
    return { reason: 'plan_expired', expiredAt: deployment.planExpiresAt };
  }
  const { config } = deps;
  const { service, environment } = deployment;
  const unguarded = protectedWithoutDeployer(config, service, environment, deployPolicyFor(config, service, environment).deployerRole);
  if (unguarded) return unguarded;
  const request = await deps.signoffs.findByAssessment(deployment.assessmentId);
  const own = ownApproval(request, userId, separationOfDutiesFor(config, service, environment));
  if (own) return own;
  const latest = await deps.deployments.latestCompletedAssessment(service, environment);
  const newest = latest ? { id: latest.id, requestedBy: latest.requestedBy, verdict: latest.verdict } : undefined;
  const gate = checkDeployGate({
    latest,
    signoff: latest ? (latest.id === deployment.assessmentId ? request : await deps.signoffs.findByAssessment(latest.id)) : undefined,
    requiresSignoff: signoffPolicyFor(config, service, environment) !== undefined,
    maxAgeMs: freshnessFor(config, service, environment),
    now: at,
  });
  if (!gate.ok) {
    const { ok: _ok, ...refusal } = gate;
    return { reason: 'no_longer_go', gate: refusal, newest };
  }
  if (newest && gate.go.assessmentId !== deployment.assessmentId) return { reason: 'superseded', newest };
  return undefined;
}

/**
 * Start: re-checks the GO at this moment, then PLANNED -> RUNNING in one guarded statement that repeats the check
 * in SQL (newest assessment, its decision and freshness, the plan's expiry), so a NO-GO landing meanwhile cannot
 * slip through. A refusal names the reason; the caller offers a new assessment.
 */
export async function startDeployment(deps: DeploymentDeps, deploymentId: string, userId: string): Promise<StartResult> {
  const { config } = deps;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const current = await deps.deployments.find(deploymentId);
    if (!current) return { ok: false, reason: 'not_found' };
    if (current.status !== 'PLANNED') return { ok: false, reason: 'wrong_state', status: current.status, action: 'start' };
    const at = deps.now();
    const refused = await whyNotStart(deps, current, userId, at);
    const target = { service: current.service, environment: current.environment };
    if (refused) {
      const detail =
        refused.reason === 'no_longer_go'
          ? `${refused.gate.reason}${refused.newest ? ` (newest assessment ${refused.newest.id})` : ''}`
          : refused.reason;
      await deps.deployments.recordStartRefused(current, userId, refused.reason === 'no_longer_go' ? refused.gate.reason : refused.reason, detail);
      return { ok: false, reason: 'start_refused', ...target, refusal: refused };
    }
    const started = await deps.deployments.start(current.id, userId, at, {
      requiresSignoff: signoffPolicyFor(config, current.service, current.environment) !== undefined,
      decidedAfter: new Date(at.getTime() - freshnessFor(config, current.service, current.environment)),
    });
    if (started.applied) {
      await deps.effects.enqueuePhase(started.deployment.id, started.deployment.currentPhase, started.deployment.generation);
      await deps.effects.publish(started.deployment);
      return { ok: true, deployment: started.deployment };
    }
    if ('lockedBy' in started) return { ok: false, reason: 'locked', lock: started.lockedBy };
    if (started.deployment && started.deployment.status !== 'PLANNED')
      return { ok: false, reason: 'wrong_state', status: started.deployment.status, action: 'start' };
  }
  const current = await deps.deployments.find(deploymentId);
  return current
    ? { ok: false, reason: 'start_refused', service: current.service, environment: current.environment, refusal: { reason: 'gate_changed' } }
    : { ok: false, reason: 'not_found' };
}
