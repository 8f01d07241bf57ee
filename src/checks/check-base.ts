import { z } from 'zod';

/** Service, environment and check ids appear in slash commands and job ids, so keep them plain. */
export const Slug = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit');

export const Severity = z.enum(['critical', 'high', 'medium', 'low']);
export type Severity = z.infer<typeof Severity>;

/** The fields every check type shares; each type extends it with its own. */
export const CheckBase = z.strictObject({
  id: Slug,
  name: z.string().min(1).max(200),
  category: Slug.default('infrastructure'),
  severity: Severity.default('high'),
  /** Overrides the weight implied by severity. */
  weight: z.number().positive().optional(),
  /** @defaultValue 5000 */
  timeoutMs: z.number().int().positive().max(300_000).default(5000),
  remediation: z.string().max(1000).optional(),
  /** Runs only in these environments of the service; elsewhere it is SKIPPED and leaves the score. */
  environments: z.array(Slug).min(1).optional(),
});
