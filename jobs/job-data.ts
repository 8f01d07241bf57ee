import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { Slug } from '../src/config/readiness-config.schema.ts';

export const AssessmentJobData = z.object({ assessmentId: z.uuid() });
/** A job of the first design, one check each (queued before batches, or by an older bot during a deploy). */
export const CheckJobData = z.object({ assessmentId: z.uuid(), checkId: Slug });
export const CheckBatchJobData = z.object({ assessmentId: z.uuid(), checkIds: z.array(Slug).min(1).max(1000) });
/** Either shape, as the checks of a batch. */
export const ChecksJobData = z.union([
  CheckBatchJobData,
  CheckJobData.transform(({ assessmentId, checkId }) => ({ assessmentId, checkIds: [checkId] })),
]);
export const SignoffJobData = z.object({ requestId: z.uuid() });
export const DeploymentJobData = z.object({ deploymentId: z.uuid() });
export const PhaseJobData = DeploymentJobData.extend({ phaseIndex: z.number().int().min(0), generation: z.number().int().min(0) });

/** Job data that does not parse will not parse on a retry either. */
export function parseJobData<S extends z.ZodType>(schema: S, data: unknown, jobName: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new UnrecoverableError(`invalid ${jobName} job data: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}
