import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import type { SignoffPolicy } from './policy.ts';
import { environmentConfigFor, isProtectedEnvironment } from '../config/protected-environment.ts';

/** The sign-off policy of a service's environment, if it has one. Own keys only: names come from users. */
export function signoffPolicyFor(config: ReadinessConfig, service: string, environment: string): SignoffPolicy | undefined {
  const serviceConfig = Object.hasOwn(config.services, service) ? config.services[service] : undefined;
  if (!serviceConfig || !Object.hasOwn(serviceConfig.environments, environment)) return undefined;
  return serviceConfig.environments[environment]?.signoff;
}

/** Whether separation of duties applies: the policy says so, or by default in a protected environment. */
export function separationOfDutiesFor(config: ReadinessConfig, service: string, environment: string): boolean {
  const policy = signoffPolicyFor(config, service, environment);
  return policy?.separationOfDuties ?? isProtectedEnvironment(environment, environmentConfigFor(config, service, environment));
}
