import type { CheckBase } from './check-base.ts';
import type { z } from 'zod';

/** What a check measured. ERROR means it could not be evaluated at all; FAIL means it measured a failure. */
export type CheckOutcomeStatus = 'PASS' | 'WARN' | 'FAIL' | 'ERROR';

export interface CheckOutcome {
  status: CheckOutcomeStatus;
  /** One sentence a person can act on, with the measured value and the threshold. */
  message: string;
  evidence: Record<string, unknown>;
}

export interface CheckContext {
  /** Aborted when the check's timeout expires. */
  signal: AbortSignal;
  now: () => number;
}

export type CheckRunner<S extends z.infer<typeof CheckBase> = z.infer<typeof CheckBase>> = (spec: S, context: CheckContext) => Promise<CheckOutcome>;
