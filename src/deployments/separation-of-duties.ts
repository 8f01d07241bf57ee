import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import { environmentConfigFor, isProtectedEnvironment } from '../config/protected-environment.ts';
import type { SignoffRequestView } from '../approvals/signoff.types.ts';

export type OwnApproval = { reason: 'approved_own_release'; role: string } | { reason: 'overrode_own_release' };

/**
 * With separation of duties, whoever approved the release (on its sign-off request, carried over or not) may
 * neither plan nor start its deployment: the approver and the deployer are two people. An override is the
 * strongest approval there is, so whoever overrode the decision may not deploy it either; otherwise one person
 * holding both roles could turn a NO-GO into a GO and ship it alone.
 */
export function ownApproval(request: SignoffRequestView | undefined, userId: string, separationOfDuties: boolean): OwnApproval | undefined {
  if (!separationOfDuties || !request) return undefined;
  if (request.override && request.overriddenBy === userId) return { reason: 'overrode_own_release' };
  const approval = request.signoffs.find((signoff) => signoff.userId === userId && signoff.kind !== 'REJECT');
  return approval ? { reason: 'approved_own_release', role: approval.role } : undefined;
}

export interface NoDeployerRole {
  reason: 'no_deployer_role';
  environment: string;
}

/**
 * A protected environment without `deploy.deployerRole` would let anyone in the channel deploy. readiness.yaml
 * refuses that when it has a `deploy:` section; without one, planning and starting there are refused instead.
 */
export function protectedWithoutDeployer(
  config: ReadinessConfig,
  service: string,
  environment: string,
  deployerRole: string | undefined,
): NoDeployerRole | undefined {
  if (deployerRole !== undefined || !isProtectedEnvironment(environment, environmentConfigFor(config, service, environment))) return undefined;
  return { reason: 'no_deployer_role', environment };
}
