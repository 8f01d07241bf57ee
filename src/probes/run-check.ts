import type { CheckOutcome, CheckTarget } from '../checks/check.types.ts';
import type { RunCheckOptions, TimedOutcome } from '../checks/check-runner.port.ts';
import type { CheckSpec } from '../checks/registry.ts';
import { probeCheck } from './registry.ts';
import { resolveReferences } from '../secrets/references.ts';
import { processSecretSource, rememberSecretValues } from '../secrets/process-secrets.ts';
import { redactDeep, redactText, redactValues, secretValuesOf } from '../secrets/redact.ts';
import { EgressRefused, type EgressPolicy } from '../egress/egress-policy.ts';

/**
 * Runs one check under its own timeout. Never throws: whatever goes wrong inside a check is reported on the
 * check (status ERROR), so one broken check cannot take the worker or the assessment down with it. `target`
 * says what it is run for (a webhook check sends it); without it the check runs on its own.
 *
 * Secret references in the spec are resolved here, just before it runs, and nowhere else; what it reports is
 * redacted (the resolved values, URL credentials, secret parameters) before anyone can store or show it. A
 * reference that cannot be resolved makes this one check ERROR, naming the reference.
 */
export async function runCheck(
  spec: CheckSpec,
  target?: CheckTarget,
  now: () => number = performance.now.bind(performance),
  options: RunCheckOptions = {},
): Promise<TimedOutcome> {
  const startedAt = now();
  const elapsed = () => Math.round(now() - startedAt);
  const resolution = await resolveReferences(spec, options.secrets ?? processSecretSource);
  if (!resolution.ok) {
    return {
      status: 'ERROR',
      message: `the secret ${resolution.reference} could not be resolved: ${resolution.problem}`,
      evidence: { secretReference: resolution.reference },
      durationMs: elapsed(),
    };
  }
  // Resolved references and the literal credentials of the spec alike: what the check sends must not come back.
  const secrets = [...new Set([...resolution.secrets, ...secretValuesOf(resolution.value)])];
  rememberSecretValues(secrets);
  const refused = await egressRefusal(resolution.value, options.egress);
  if (refused !== undefined) {
    return redactOutcome({ status: 'ERROR', message: refused, evidence: { egress: 'refused' }, durationMs: elapsed() }, secrets);
  }
  const outcome = await runResolved(resolution.value, target, now, options, startedAt);
  return redactOutcome(outcome, secrets);
}

/** The outcome as it may be stored and shown: no resolved secret value, no URL credential, no secret parameter. */
export function redactOutcome<O extends CheckOutcome>(outcome: O, secrets: readonly string[]): O {
  return { ...outcome, message: redactValues(redactText(outcome.message), secrets), evidence: redactDeep(outcome.evidence, secrets) };
}

/** The hosts a check connects to first (an http check's redirect hops are checked as it follows them). */
export function checkDestinations(spec: CheckSpec): string[] {
  if (spec.type === 'tcp' || spec.type === 'tls') return [spec.host];
  if (!('url' in spec)) return [];
  try {
    return [new URL(spec.url).hostname];
  } catch {
    return []; // not a URL: the check itself reports that
  }
}

async function egressRefusal(spec: CheckSpec, egress: EgressPolicy | undefined): Promise<string | undefined> {
  if (!egress) return undefined;
  for (const host of checkDestinations(spec)) {
    try {
      await egress.assertAllowed(host);
    } catch (error) {
      if (error instanceof EgressRefused) return `not run: ${error.message}`;
      throw error;
    }
  }
  return undefined;
}

async function runResolved(
  spec: CheckSpec,
  target: CheckTarget | undefined,
  now: () => number,
  options: RunCheckOptions,
  startedAt: number,
): Promise<TimedOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), spec.timeoutMs);
  const elapsed = () => Math.round(now() - startedAt);
  try {
    const outcome = await probeCheck(spec, { signal: controller.signal, now, target, egress: options.egress });
    return { ...outcome, durationMs: elapsed() };
  } catch (error) {
    if (controller.signal.aborted) {
      return {
        status: 'ERROR',
        message: `no answer within the ${spec.timeoutMs} ms timeout`,
        evidence: { timeoutMs: spec.timeoutMs },
        durationMs: elapsed(),
      };
    }
    return {
      status: 'ERROR',
      message: `the check could not run: ${(error as Error).message}`,
      evidence: {},
      durationMs: elapsed(),
    };
  } finally {
    clearTimeout(timer);
  }
}
