import { z } from 'zod';
import type { CheckRunner } from './check.types.ts';
import { HttpCheckSpec, runHttpCheck } from './http.ts';

/**
 * Every check type: its spec (validated in readiness.yaml) and its runner. Adding a type means one module in
 * src/checks/ and one line in each list below.
 */
export const CheckSpec = z.discriminatedUnion('type', [HttpCheckSpec]);
export type CheckSpec = z.infer<typeof CheckSpec>;

export const runners: { [T in CheckSpec['type']]: CheckRunner<Extract<CheckSpec, { type: T }>> } = {
  http: runHttpCheck,
};
