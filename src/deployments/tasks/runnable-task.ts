import { isDeepStrictEqual } from 'node:util';
import type { ReadinessConfig } from '../../config/readiness-config.schema.ts';
import { containsRedaction, redactDeep } from '../../secrets/redact.ts';
import type { DeploymentView } from '../deployment.types.ts';
import { buildPlan, type PlannedTask } from '../plan.ts';
import type { Stage } from '../deployment.types.ts';
import { templateNamed } from '../deploy-policy.ts';
import type { DeployTask } from '../template.schema.ts';

/** The one sentence for a stored task whose literal secrets cannot be restored from readiness.yaml. */
export const TASK_SECRETS_UNAVAILABLE =
  'the task was stored with its secrets redacted, and readiness.yaml no longer defines it the same way; plan the deployment again (better: reference the secret as ${env:NAME})';

const canonical = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/**
 * The spec to run for a task of a stored plan. The plan is stored redacted (secret references as written); a task
 * whose template or vars held a literal secret runs as readiness.yaml defines it now, provided that still redacts
 * to exactly what was stored. Undefined when it does not.
 */
export function runnableTaskSpec(
  config: ReadinessConfig,
  deployment: Pick<DeploymentView, 'service' | 'environment' | 'template' | 'version'>,
  stage: Stage,
  task: PlannedTask,
): DeployTask | undefined {
  if (!containsRedaction(task.spec)) return task.spec;
  const template = templateNamed(config, deployment.template);
  if (!template) return undefined;
  const vars = config.services[deployment.service]?.environments[deployment.environment]?.vars ?? {};
  const plan = buildPlan(deployment.template, template, {
    ...vars,
    service: deployment.service,
    environment: deployment.environment,
    version: deployment.version ?? 'latest',
  });
  if (!plan.ok) return undefined;
  const tasks = stage === 'rollback' ? plan.plan.rollback.tasks : plan.plan.phases.flatMap((phase) => phase.tasks);
  const configured = tasks.find((candidate) => candidate.id === task.id)?.spec;
  return configured !== undefined && isDeepStrictEqual(canonical(redactDeep(configured)), canonical(task.spec)) ? configured : undefined;
}
