import type { CheckOutcome } from '../checks/check.types.ts';

/** One step of a probe: its result, or the outcome that ends the check there (ERROR or FAIL, with evidence). */
export type Step<T> = { ok: true; value: T } | { ok: false; outcome: CheckOutcome };
