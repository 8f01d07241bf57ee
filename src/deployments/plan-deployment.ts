import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import { signoffPolicyFor } from '../approvals/policy-lookup.ts';
import type { RoleDirectory } from '../roles/role-directory.ts';
import type { SignoffRepository } from '../approvals/signoff.ports.ts';
import type { DeploymentRepository, LockHolder } from './deployment.ports.ts';
import { SHIPPED_TEMPLATES } from './default-templates.ts';
import { checkDeployGate, type GateRefusal } from './deploy-gate.ts';
import { freshnessFor } from './gate-policy.ts';
import { ownApproval, protectedWithoutDeployer, type NoDeployerRole, type OwnApproval } from './separation-of-duties.ts';
import { separationOfDutiesFor } from '../approvals/policy-lookup.ts';
import type { DeploymentEffects } from './deployment-effects.ts';
import type { DeploymentView } from './deployment.types.ts';
import { buildPlan } from './plan.ts';
import type { DeployPolicy } from './template.schema.ts';
import { deployPolicyFor, templateNamed } from './deploy-policy.ts';

export interface DeploymentDeps {
  config: ReadinessConfig;
  deployments: DeploymentRepository;
  signoffs: Pick<SignoffRepository, 'findByAssessment'>;
  roles: Pick<RoleDirectory, 'isMember'>;
  effects: DeploymentEffects;
  now: () => Date;
}

export type PlanRefusal =
  | GateRefusal
  | { reason: 'unknown_template'; template: string; known: string[] }
  | { reason: 'plan_invalid'; problems: string[] }
  | { reason: 'locked'; lock: LockHolder }
  | { reason: 'not_deployer'; role: string }
  | { reason: 'no_thread' }
  | OwnApproval
  | NoDeployerRole;

export type PlanDeploymentResult = { ok: true; deployment: DeploymentView; created: boolean } | ({ ok: false } & PlanRefusal);

/** Whether the person holds the environment's deployer role (anyone may when it names none). */
export async function deployerCheck(
  deps: Pick<DeploymentDeps, 'roles'>,
  policy: DeployPolicy,
  userId: string,
): Promise<{ ok: true } | { ok: false; reason: 'not_deployer'; role: string }> {
  if (!policy.deployerRole) return { ok: true };
  if ((await deps.roles.isMember(policy.deployerRole, userId)).member) return { ok: true };
  return { ok: false, reason: 'not_deployer', role: policy.deployerRole };
}

/**
 * `/readiness deploy`: refuses without a fresh GO for the newest assessment, while another deployment holds the
 * environment, or when the template cannot be resolved; otherwise posts the plan (Start / Cancel) in the
 * release thread. Nothing runs until Start.
 */
export async function planDeployment(
  deps: DeploymentDeps,
  input: { requestKey: string; service: string; environment: string; template: string | undefined; version: string | undefined; userId: string },
): Promise<PlanDeploymentResult> {
  const policy = deployPolicyFor(deps.config, input.service, input.environment);
  const unguarded = protectedWithoutDeployer(deps.config, input.service, input.environment, policy.deployerRole);
  if (unguarded) return { ok: false, ...unguarded };
  const deployer = await deployerCheck(deps, policy, input.userId);
  if (!deployer.ok) return deployer;
  const templateName = input.template ?? policy.template;
  const template = templateNamed(deps.config, templateName);
  if (!template) {
    return {
      ok: false,
      reason: 'unknown_template',
      template: templateName,
      known: [...new Set([...Object.keys(SHIPPED_TEMPLATES), ...Object.keys(deps.config.deployments.templates)])],
    };
  }
  const latest = await deps.deployments.latestCompletedAssessment(input.service, input.environment);
  const signoff = latest ? await deps.signoffs.findByAssessment(latest.id) : undefined;
  const now = deps.now();
  const gate = checkDeployGate({
    latest,
    signoff,
    requiresSignoff: signoffPolicyFor(deps.config, input.service, input.environment) !== undefined,
    maxAgeMs: freshnessFor(deps.config, input.service, input.environment),
    now,
  });
  if (!gate.ok) return gate;
  const own = ownApproval(signoff, input.userId, separationOfDutiesFor(deps.config, input.service, input.environment));
  if (own) return { ok: false, ...own };
  if (gate.go.threadTs === null) return { ok: false, reason: 'no_thread' };
  const lock = await deps.deployments.findLock(input.service, input.environment);
  if (lock) return { ok: false, reason: 'locked', lock };

  const vars = deps.config.services[input.service]?.environments[input.environment]?.vars ?? {};
  const plan = buildPlan(templateName, template, {
    ...vars,
    service: input.service,
    environment: input.environment,
    version: input.version ?? 'latest',
  });
  if (!plan.ok) return { ok: false, reason: 'plan_invalid', problems: plan.problems };
  const created = await deps.deployments.create({
    requestKey: input.requestKey,
    service: input.service,
    environment: input.environment,
    template: templateName,
    version: input.version ?? null,
    requestedBy: input.userId,
    channelId: gate.go.channelId,
    threadTs: gate.go.threadTs,
    assessmentId: gate.go.assessmentId,
    plan: plan.plan,
    planExpiresAt: new Date(now.getTime() + policy.planExpiresAfter),
  });
  if (created.created) await deps.effects.schedulePlanExpiry(created.deployment);
  // A replayed command (its bot died after recording the plan) posts the message the first attempt did not.
  if (created.created || created.deployment.messageTs === null) await deps.effects.publish(created.deployment);
  return { ok: true, ...created };
}
