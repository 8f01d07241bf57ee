import { z } from 'zod';
import { Duration } from '../shared/duration.ts';
import { CheckBase, Slug } from './check-base.ts';
import type { CheckOutcome } from './check.types.ts';

/**
 * Something no probe can verify (a runbook reviewed, a load test signed off): a member of `role` attests it
 * with a button on the assessment message. The attestation holds for `validFor`, so assessments within that
 * time reuse it instead of asking again.
 */
export const ManualCheckSpec = CheckBase.extend({
  type: z.literal('manual'),
  role: Slug,
  instructions: z.string().max(1000).optional(),
  /** @defaultValue 24h */
  validFor: Duration.default(24 * 3_600_000),
});
export type ManualCheckSpec = z.infer<typeof ManualCheckSpec>;

export const isManual = (spec: { type: string }): spec is ManualCheckSpec => spec.type === 'manual';

/** What a manual check says while nobody has attested it. */
export const awaitingAttestation = (spec: Pick<ManualCheckSpec, 'role'>) => `waiting for a member of the ${spec.role} role to attest it`;

/** Manual checks are never run by a worker or the CLI; a person attests them. Reaching here is a bug. */
export async function runManualCheck(spec: ManualCheckSpec): Promise<CheckOutcome> {
  return { status: 'ERROR', message: `manual check ${spec.id} cannot be run automatically: it is attested in Slack`, evidence: {} };
}
