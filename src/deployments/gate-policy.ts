import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import { environmentConfigFor, isProtectedEnvironment } from '../config/protected-environment.ts';
import { deployPolicyFor } from './deploy-policy.ts';

/** How old a GO may be in a protected environment when `deploy.freshness` is unset. */
export const PROTECTED_FRESHNESS_MS = 4 * 3_600_000;
/** Elsewhere: the former `maxDecisionAge` default. */
export const DEFAULT_FRESHNESS_MS = 24 * 3_600_000;

/** The freshness window of the environment's GO: `freshness`, else the older `maxDecisionAge`, else the default. */
export function freshnessFor(config: ReadinessConfig, service: string, environment: string): number {
  const policy = deployPolicyFor(config, service, environment);
  const fallback = isProtectedEnvironment(environment, environmentConfigFor(config, service, environment))
    ? PROTECTED_FRESHNESS_MS
    : DEFAULT_FRESHNESS_MS;
  return policy.freshness ?? policy.maxDecisionAge ?? fallback;
}
