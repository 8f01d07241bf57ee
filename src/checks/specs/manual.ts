import { z } from 'zod';
import { Duration, formatDuration } from '../../shared/duration.ts';
import { CheckBase, Slug } from '../check-base.ts';
import type { CheckTarget, UnmetCheck } from '../check.types.ts';

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

/** Who to ask, and where: the command that posts the assessment message with the Attest button. Pure. */
export function recommendManual(spec: ManualCheckSpec, outcome: UnmetCheck, target: CheckTarget): string | undefined {
  if (outcome.status !== 'PENDING') return undefined;
  return (
    `Ask a member of the ${spec.role} role to attest "${spec.name}" in Slack ` +
    `(/readiness run ${target.service} ${target.environment}, then the Attest button); the attestation holds for ${formatDuration(spec.validFor)}`
  );
}
