import type { ReadinessConfig } from './readiness-config.schema.ts';

/** Environments with these names are always protected, whatever `protected` says. */
export const PROTECTED_ENVIRONMENT_NAMES: readonly string[] = ['production', 'prod'];

/** Protected: stricter defaults (a 4 h freshness window, separation of duties) and a required deployer role. */
export function isProtectedEnvironment(name: string, environment: { protected?: boolean | undefined } | undefined): boolean {
  return PROTECTED_ENVIRONMENT_NAMES.includes(name) || environment?.protected === true;
}

/** The environment's settings, own keys only (names come from users). */
export function environmentConfigFor(config: ReadinessConfig, service: string, environment: string) {
  const environments = Object.hasOwn(config.services, service) ? config.services[service]?.environments : undefined;
  return environments && Object.hasOwn(environments, environment) ? environments[environment] : undefined;
}

/**
 * A protected environment that deploys must say who may deploy: without `deployerRole` anyone in the channel
 * could. Its separation of duties cannot be turned off, and `protected: false` cannot unprotect production.
 */
export function findUnguardedProtectedEnvironments(config: ReadinessConfig): string[] {
  const problems: string[] = [];
  for (const [service, serviceConfig] of Object.entries(config.services)) {
    for (const [name, environment] of Object.entries(serviceConfig.environments)) {
      const path = `services.${service}.environments.${name}`;
      if (environment.protected === false && PROTECTED_ENVIRONMENT_NAMES.includes(name)) {
        problems.push(`${path}.protected: "${name}" is always protected; remove \`protected: false\``);
      }
      if (isProtectedEnvironment(name, environment) && environment.signoff?.separationOfDuties === false) {
        problems.push(`${path}.signoff.separationOfDuties: always on in a protected environment; remove \`separationOfDuties: false\``);
      }
      if (isProtectedEnvironment(name, environment) && environment.deploy && environment.deploy.deployerRole === undefined) {
        problems.push(`${path}.deploy.deployerRole: required in a protected environment, so that not everyone in the channel may deploy`);
      }
    }
  }
  return problems;
}
