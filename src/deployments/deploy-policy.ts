import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import { SHIPPED_TEMPLATES } from './default-templates.ts';
import { DeployPolicy, type Template } from './template.schema.ts';

/** An environment's deploy policy, with the defaults when readiness.yaml sets none. */
export function deployPolicyFor(config: ReadinessConfig, service: string, environment: string): DeployPolicy {
  const environments = Object.hasOwn(config.services, service) ? config.services[service]?.environments : undefined;
  const environmentConfig = environments && Object.hasOwn(environments, environment) ? environments[environment] : undefined;
  return environmentConfig?.deploy ?? DeployPolicy.parse({});
}

/** A template by name: readiness.yaml's own first, then the shipped ones. */
export function templateNamed(config: ReadinessConfig, name: string): Template | undefined {
  if (Object.hasOwn(config.deployments.templates, name)) return config.deployments.templates[name];
  return Object.hasOwn(SHIPPED_TEMPLATES, name) ? SHIPPED_TEMPLATES[name] : undefined;
}
