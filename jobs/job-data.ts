import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { Slug } from '../src/config/readiness-config.schema.ts';

export const AssessmentJobData = z.object({ assessmentId: z.uuid() });
export const CheckJobData = z.object({ assessmentId: z.uuid(), checkId: Slug });
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
