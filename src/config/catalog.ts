import type { VerdictThresholds } from '../readiness/score.ts';
import type { CheckSpec, ReadinessConfig } from './readiness-config.schema.ts';

export type TargetLookup =
  | { ok: true; service: string; environment: string; checks: CheckSpec[]; thresholds: VerdictThresholds }
  | { ok: false; reason: 'unknown_service'; known: string[] }
  | { ok: false; reason: 'unknown_environment'; service: string; known: string[] }
  | { ok: false; reason: 'unresolved_variable'; checkId: string; variable: string };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

function interpolate(value: string, vars: Record<string, string>): { text: string; missing?: string } {
  let missing: string | undefined;
  const text = value.replace(PLACEHOLDER, (whole, name: string) => {
    // Own keys only: `{{toString}}` must not find Object.prototype.toString.
    const replacement = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (replacement === undefined) missing ??= name;
    return replacement ?? whole;
  });
  return missing === undefined ? { text } : { text, missing };
}

/** Substitutes the environment's `vars` into every string field of a check, so one check serves every environment. */
function resolveCheck(check: CheckSpec, vars: Record<string, string>): { check: CheckSpec; missing?: string } {
  let missing: string | undefined;
  const resolved = Object.fromEntries(
    Object.entries(check).map(([key, value]) => {
      if (typeof value !== 'string') return [key, value];
      const result = interpolate(value, vars);
      missing ??= result.missing;
      return [key, result.text];
    }),
  ) as CheckSpec;
  return missing === undefined ? { check: resolved } : { check: resolved, missing };
}

/** Finds what to assess for a service and environment, or says precisely why it cannot. */
export function lookupTarget(config: ReadinessConfig, service: string, environment: string): TargetLookup {
  // Names come from Slack users; `constructor` or `__proto__` must not resolve to Object.prototype members.
  const serviceConfig = Object.hasOwn(config.services, service) ? config.services[service] : undefined;
  if (!serviceConfig) return { ok: false, reason: 'unknown_service', known: Object.keys(config.services).sort() };
  const environmentConfig = Object.hasOwn(serviceConfig.environments, environment) ? serviceConfig.environments[environment] : undefined;
  if (!environmentConfig) {
    return { ok: false, reason: 'unknown_environment', service, known: Object.keys(serviceConfig.environments) };
  }
  const checks: CheckSpec[] = [];
  for (const check of serviceConfig.checks) {
    const resolved = resolveCheck(check, environmentConfig.vars);
    if (resolved.missing !== undefined) {
      return { ok: false, reason: 'unresolved_variable', checkId: check.id, variable: resolved.missing };
    }
    checks.push(resolved.check);
  }
  return { ok: true, service, environment, checks, thresholds: environmentConfig.thresholds };
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * Every check that cannot run in some environment of its service, as config problems: a `{{var}}` the
 * environment does not define, or a URL that is not http(s) once the variables are in.
 */
export function findUnresolvableChecks(config: ReadinessConfig): string[] {
  const problems: string[] = [];
  for (const [serviceName, service] of Object.entries(config.services)) {
    for (const [environmentName, environment] of Object.entries(service.environments)) {
      service.checks.forEach((check, index) => {
        const { check: resolved, missing } = resolveCheck(check, environment.vars);
        if (missing !== undefined) {
          problems.push(
            `services.${serviceName}.checks[${index}]: uses {{${missing}}}, which services.${serviceName}.environments.${environmentName}.vars does not define`,
          );
        } else if (resolved.type === 'http' && !isHttpUrl(resolved.url)) {
          problems.push(
            `services.${serviceName}.checks[${index}].url: "${resolved.url}" (in ${environmentName}) is not an http:// or https:// URL`,
          );
        }
      });
    }
  }
  return problems;
}
