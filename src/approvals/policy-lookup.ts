import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import type { SignoffPolicy } from './policy.ts';

/** The sign-off policy of a service's environment, if it has one. Own keys only: names come from users. */
export function signoffPolicyFor(config: ReadinessConfig, service: string, environment: string): SignoffPolicy | undefined {
  const serviceConfig = Object.hasOwn(config.services, service) ? config.services[service] : undefined;
  if (!serviceConfig || !Object.hasOwn(serviceConfig.environments, environment)) return undefined;
  return serviceConfig.environments[environment]?.signoff;
}
