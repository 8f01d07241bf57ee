import { z } from 'zod';
import { Slug } from '../checks/check-base.ts';
import { Duration } from '../shared/duration.ts';

export const EligibleVerdict = z.enum(['GO', 'GO_WITH_CAUTION', 'NO_GO']);

/** One role whose sign-off the environment requires, and the check categories it answers for. */
export const RequiredSignoff = z.strictObject({
  role: Slug,
  /** @defaultValue 1 */
  count: z.number().int().min(1).max(10).default(1),
  /** Categories this role signs for; empty means the whole assessment. */
  covers: z.array(Slug).default([]),
});
export type RequiredSignoff = z.infer<typeof RequiredSignoff>;

/** Who must sign off before an environment gets a GO decision, and the rules around it. */
export const SignoffPolicy = z.strictObject({
  required: z.array(RequiredSignoff).min(1, 'list at least one required sign-off, or remove `signoff`'),
  /** A request nobody completes expires after this. @defaultValue 24h */
  expiresAfter: Duration.default(24 * 3_600_000),
  /** @defaultValue false */
  allowSelfApproval: z.boolean().default(false),
  /**
   * The assessment's requester and the deployer may not approve, one person counts for one role, and whoever
   * approved may not start the deployment. Wins over `allowSelfApproval`.
   * Always on in a protected environment (production, prod or `protected: true`). @defaultValue false elsewhere
   */
  separationOfDuties: z.boolean().optional(),
  /** A new assessment of the same service and environment makes open requests STALE. @defaultValue true */
  dismissStaleOnNewAssessment: z.boolean().default(true),
  /** Verdicts that may ask for sign-off. @defaultValue GO, GO_WITH_CAUTION */
  eligibleVerdicts: z.array(EligibleVerdict).min(1).default(['GO', 'GO_WITH_CAUTION']),
  /** Starts the request as soon as an eligible assessment completes, without the button. @defaultValue false */
  autoRequest: z.boolean().default(false),
  /** The role that may override a NO-GO with `/readiness override`; nobody when unset. */
  overrideRole: Slug.optional(),
});
export type SignoffPolicy = z.infer<typeof SignoffPolicy>;
