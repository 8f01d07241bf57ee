import type { VerdictThresholds } from '../readiness/score.ts';
import { redactUrl } from '../shared/text.ts';
import { hasReference } from '../secrets/references.ts';
import type { CheckSpec, ReadinessConfig } from './readiness-config.schema.ts';
import { SHIPPED_TEMPLATES } from '../deployments/default-templates.ts';
import { dependencyOrder } from '../deployments/plan.ts';

/** A check that does not apply to the environment: recorded as SKIPPED so the report says why it is missing. */
export interface SkippedCheck {
  check: CheckSpec;
  reason: string;
}

export type TargetLookup =
  | { ok: true; service: string; environment: string; checks: CheckSpec[]; skipped: SkippedCheck[]; thresholds: VerdictThresholds }
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

/**
 * Substitutes the environment's `vars` into every string of a check, nested ones too (webhook headers), so
 * one check serves every environment.
 */
function resolveCheck(check: CheckSpec, vars: Record<string, string>): { check: CheckSpec; missing?: string } {
  let missing: string | undefined;
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const result = interpolate(value, vars);
      missing ??= result.missing;
      return result.text;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]));
    }
    return value;
  };
  const resolved = resolve(check) as CheckSpec;
  return missing === undefined ? { check: resolved } : { check: resolved, missing };
}

/** A check without `environments` runs everywhere. */
export const appliesTo = (check: Pick<CheckSpec, 'environments'>, environment: string) =>
  check.environments === undefined || check.environments.includes(environment);

type ServiceConfig = ReadinessConfig['services'][string];
type EnvironmentConfig = ServiceConfig['environments'][string];

/**
 * Whether the service and environment exist, without resolving any check: what a command's parsing needs before
 * its ack (resolving every check's variables there cost a burst of commands measurable time, docs/performance.md).
 */
export function locateTarget(
  config: ReadinessConfig,
  service: string,
  environment: string,
):
  | { ok: true; serviceConfig: ServiceConfig; environmentConfig: EnvironmentConfig }
  | Extract<TargetLookup, { reason: 'unknown_service' | 'unknown_environment' }> {
  // Names come from Slack users; `constructor` or `__proto__` must not resolve to Object.prototype members.
  const serviceConfig = Object.hasOwn(config.services, service) ? config.services[service] : undefined;
  if (!serviceConfig) return { ok: false, reason: 'unknown_service', known: Object.keys(config.services).sort() };
  const environmentConfig = Object.hasOwn(serviceConfig.environments, environment) ? serviceConfig.environments[environment] : undefined;
  if (!environmentConfig) {
    return { ok: false, reason: 'unknown_environment', service, known: Object.keys(serviceConfig.environments) };
  }
  return { ok: true, serviceConfig, environmentConfig };
}

/** Finds what to assess for a service and environment, or says precisely why it cannot. */
export function lookupTarget(config: ReadinessConfig, service: string, environment: string): TargetLookup {
  const located = locateTarget(config, service, environment);
  if (!located.ok) return located;
  const { serviceConfig, environmentConfig } = located;
  const checks: CheckSpec[] = [];
  const skipped: SkippedCheck[] = [];
  for (const check of serviceConfig.checks) {
    if (!appliesTo(check, environment)) {
      skipped.push({ check, reason: `not checked in ${environment} (runs in ${check.environments?.join(', ')})` });
      continue;
    }
    const resolved = resolveCheck(check, environmentConfig.vars);
    if (resolved.missing !== undefined) {
      return { ok: false, reason: 'unresolved_variable', checkId: check.id, variable: resolved.missing };
    }
    checks.push(resolved.check);
  }
  return { ok: true, service, environment, checks, skipped, thresholds: environmentConfig.thresholds };
}

/** The URL schemes each check type can talk to; checked once variables are substituted. */
const URL_SCHEMES: Partial<Record<CheckSpec['type'], string[]>> = {
  http: ['http:', 'https:'],
  prometheus: ['http:', 'https:'],
  webhook: ['http:', 'https:'],
  postgres: ['postgres:', 'postgresql:'],
  redis: ['redis:', 'rediss:'],
};

function urlProblem(check: CheckSpec): string | undefined {
  const schemes = URL_SCHEMES[check.type];
  if (!schemes || !('url' in check)) return undefined;
  try {
    if (schemes.includes(new URL(check.url).protocol)) return undefined;
  } catch {
    // A URL made of secret references (`${env:DB_URL}`) is known only where the check runs, which reports a bad one.
    if (hasReference(check.url)) return undefined;
    // not a URL at all: reported below
  }
  return `is not a ${schemes.map((scheme) => `${scheme}//`).join(' or ')} URL`;
}

/** References the schema cannot check: environments a check names, and roles named by checks and sign-off policies. */
export function findDanglingReferences(config: ReadinessConfig): string[] {
  const problems: string[] = [];
  const known = Object.keys(config.roles);
  const undefinedRole = (where: string, role: string) =>
    `${where}: "${role}" is not defined under roles (${known.length > 0 ? known.join(', ') : 'no roles are defined'})`;
  for (const [templateName, template] of Object.entries(config.deployments.templates)) {
    const where = `deployments.templates.${templateName}`;
    const stages = [
      ...template.phases.map((phase, index) => ({ at: `${where}.phases[${index}]`, tasks: phase.tasks })),
      { at: `${where}.rollback`, tasks: template.rollback.tasks },
    ];
    for (const { at, tasks } of stages) {
      const order = dependencyOrder(tasks);
      if (!order.ok) problems.push(`${at}.tasks: ${order.problem}`);
      tasks.forEach((task, index) => {
        if (task.type === 'manual-gate' && !Object.hasOwn(config.roles, task.role))
          problems.push(undefinedRole(`${at}.tasks[${index}].role`, task.role));
      });
    }
  }
  for (const [serviceName, service] of Object.entries(config.services)) {
    for (const [environmentName, environment] of Object.entries(service.environments)) {
      const where = `services.${serviceName}.environments.${environmentName}.signoff`;
      environment.signoff?.required.forEach(({ role }, index) => {
        if (!Object.hasOwn(config.roles, role)) problems.push(undefinedRole(`${where}.required[${index}].role`, role));
      });
      const deploy = environment.deploy;
      if (deploy && !Object.hasOwn(config.deployments.templates, deploy.template) && !Object.hasOwn(SHIPPED_TEMPLATES, deploy.template)) {
        const templates = [...new Set([...Object.keys(SHIPPED_TEMPLATES), ...Object.keys(config.deployments.templates)])];
        problems.push(
          `services.${serviceName}.environments.${environmentName}.deploy.template: "${deploy.template}" is not a template (${templates.join(', ')})`,
        );
      }
      if (deploy?.deployerRole !== undefined && !Object.hasOwn(config.roles, deploy.deployerRole)) {
        problems.push(undefinedRole(`services.${serviceName}.environments.${environmentName}.deploy.deployerRole`, deploy.deployerRole));
      }
      const overrideRole = environment.signoff?.overrideRole;
      if (overrideRole !== undefined && !Object.hasOwn(config.roles, overrideRole)) {
        problems.push(undefinedRole(`${where}.overrideRole`, overrideRole));
      }
    }
    service.checks.forEach((check, index) => {
      const where = `services.${serviceName}.checks[${index}]`;
      check.environments?.forEach((environment, position) => {
        if (!Object.hasOwn(service.environments, environment)) {
          problems.push(
            `${where}.environments[${position}]: "${environment}" is not an environment of ${serviceName} (${Object.keys(service.environments).join(', ')})`,
          );
        }
      });
      if (check.type === 'manual' && !Object.hasOwn(config.roles, check.role)) problems.push(undefinedRole(`${where}.role`, check.role));
    });
  }
  return problems;
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
        if (!appliesTo(check, environmentName)) return;
        const { check: resolved, missing } = resolveCheck(check, environment.vars);
        if (missing !== undefined) {
          problems.push(
            `services.${serviceName}.checks[${index}]: uses {{${missing}}}, which services.${serviceName}.environments.${environmentName}.vars does not define`,
          );
        } else {
          const problem = urlProblem(resolved);
          if (problem && 'url' in resolved) {
            problems.push(`services.${serviceName}.checks[${index}].url: "${redactUrl(resolved.url, 'keep')}" (in ${environmentName}) ${problem}`);
          }
        }
      });
    }
  }
  return problems;
}
