import { z } from 'zod';

/** How long stored results are kept. The audit trail (audit_events) is never purged. */
export const RetentionConfig = z
  .strictObject({
    /** Check results (specs, messages, evidence) older than this many days are deleted by the daily purge. @defaultValue 90 */
    checkResultsDays: z.number().int().min(1).max(3650).default(90),
  })
  .default({ checkResultsDays: 90 });
export type RetentionConfig = z.infer<typeof RetentionConfig>;
