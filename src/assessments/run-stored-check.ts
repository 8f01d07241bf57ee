import { isDeepStrictEqual } from 'node:util';
import { lookupTarget } from '../config/catalog.ts';
import type { CheckSpec, ReadinessConfig } from '../config/readiness-config.schema.ts';
import type { CheckTarget } from '../checks/check.types.ts';
import type { CheckRunner, RunCheckOptions, TimedOutcome } from '../checks/check-runner.port.ts';
import { containsRedaction, redactDeep } from '../secrets/redact.ts';

/** The one sentence for a stored check whose literal secrets cannot be restored from readiness.yaml. */
export const SECRETS_UNAVAILABLE =
  'the check was stored with its secrets redacted, and readiness.yaml no longer defines it the same way; run the assessment again (better: reference the secret as ${env:NAME})';

const canonical = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/**
 * The spec to run for a stored check. A stored spec is redacted; one that had literal secrets in readiness.yaml
 * (not `${env:…}` references, which are stored as written) runs as configured, provided the configured check
 * still redacts to exactly what was stored. Undefined when it does not: the secrets are gone with the old config.
 */
export function runnableSpec(stored: CheckSpec, configured: CheckSpec | undefined): CheckSpec | undefined {
  if (!containsRedaction(stored)) return stored;
  if (configured === undefined) return undefined;
  return isDeepStrictEqual(canonical(redactDeep(configured)), canonical(stored)) ? configured : undefined;
}

/** The check as readiness.yaml defines it now for this service and environment, variables substituted. */
export function configuredCheck(config: ReadinessConfig, target: CheckTarget, checkId: string): CheckSpec | undefined {
  const found = lookupTarget(config, target.service, target.environment);
  return found.ok ? found.checks.find((check) => check.id === checkId) : undefined;
}

/** Runs a check of an assessment from its stored (redacted) spec; see runnableSpec. */
export async function runStoredCheck(
  checks: Pick<CheckRunner, 'runCheck'>,
  config: ReadinessConfig,
  stored: CheckSpec,
  target: CheckTarget,
  options: RunCheckOptions = {},
): Promise<TimedOutcome> {
  // Most stored specs had no literal secret: they run as stored, without redacting the configured check to compare.
  const spec = containsRedaction(stored) ? runnableSpec(stored, configuredCheck(config, target, stored.id)) : stored;
  if (spec === undefined) return { status: 'ERROR', message: SECRETS_UNAVAILABLE, evidence: {}, durationMs: 0 };
  return checks.runCheck(spec, target, options);
}
