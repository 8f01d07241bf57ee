import type { EgressPolicy } from '../egress/egress-policy.ts';
import type { SecretSource } from '../secrets/references.ts';
import type { CheckContext, CheckOutcome, CheckTarget } from './check.types.ts';
import type { CheckSpec } from './registry.ts';

export interface TimedOutcome extends CheckOutcome {
  durationMs: number;
}

export interface RunCheckOptions {
  /** Where `${env:…}` / `${file:…}` references resolve. @defaultValue the process environment and file system */
  secrets?: SecretSource | undefined;
  /** The egress allowlist every destination (and redirect hop) must pass. @defaultValue undefined: anywhere */
  egress?: EgressPolicy | undefined;
}

/**
 * How the domain gets a check measured; the network probes (src/probes) implement it and src/main passes it in,
 * so nothing here depends on a driver or an HTTP client.
 */
export interface CheckRunner {
  /**
   * Runs one check under its own timeout, with its secret references resolved and what it reports redacted.
   * Never throws: whatever goes wrong is the check's outcome (ERROR). `target` says what it is run for.
   */
  runCheck(spec: CheckSpec, target?: CheckTarget, options?: RunCheckOptions): Promise<TimedOutcome>;
  /**
   * Runs the check type's probe once, as it is: the caller has resolved the secrets, owns the signal (the probe
   * rejects when it aborts) and redacts the outcome. For a caller that samples repeatedly (a deployment monitor).
   */
  probe(spec: CheckSpec, context: CheckContext): Promise<CheckOutcome>;
}
