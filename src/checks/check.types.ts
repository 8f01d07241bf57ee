import type { CheckBase } from './check-base.ts';
import type { z } from 'zod';
import type { EgressPolicy } from '../egress/egress-policy.ts';

/** What a check measured. ERROR means it could not be evaluated at all; FAIL means it measured a failure. */
export type CheckOutcomeStatus = 'PASS' | 'WARN' | 'FAIL' | 'ERROR';

export interface CheckOutcome {
  status: CheckOutcomeStatus;
  /** One sentence a person can act on, with the measured value and the threshold. */
  message: string;
  evidence: Record<string, unknown>;
}

/** What a check is run for: a webhook receives it, and a manual check's advice names the command to run. */
export interface CheckTarget {
  service: string;
  environment: string;
  /** Known when the check runs inside an assessment (not in the CLI or a deployment task). */
  assessmentId?: string | undefined;
}

export interface CheckContext {
  /** Aborted when the check's timeout expires. */
  signal: AbortSignal;
  now: () => number;
  /** @defaultValue undefined: the check runs on its own (tests, ad-hoc runs) */
  target?: CheckTarget | undefined;
  /** The egress allowlist each request, redirect hop and connection must pass. @defaultValue undefined: anywhere */
  egress?: EgressPolicy | undefined;
}

/** One check type's probe: measures once, under `context.signal`, and rejects when it aborts (see CheckRunner). */
export type CheckProbe<S extends z.infer<typeof CheckBase> = z.infer<typeof CheckBase>> = (spec: S, context: CheckContext) => Promise<CheckOutcome>;

/** A check that did not pass, as its recommendation sees it: the stored message and evidence. */
export interface UnmetCheck {
  status: 'WARN' | 'FAIL' | 'ERROR' | 'PENDING';
  message: string | null;
  evidence: Record<string, unknown> | null;
}

/**
 * A check type's default advice for a check that did not pass, with the measured numbers (used when the
 * config gives no `remediation`). Undefined when the type has nothing more specific than the message. Pure.
 */
export type CheckRecommender<S extends z.infer<typeof CheckBase> = z.infer<typeof CheckBase>> = (
  spec: S,
  outcome: UnmetCheck,
  target: CheckTarget,
) => string | undefined;
