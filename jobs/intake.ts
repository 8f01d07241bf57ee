import { DelayedError, type Job } from 'bullmq';
import { z } from 'zod';
import { settleIntake, type IntakeDeps } from '../src/assessments/intake.ts';
import type { Logger } from '../src/shared/logger.ts';
import { parseJobData } from './job-data.ts';
import { throwForSlackFailure } from './slack-failure.ts';

/** Ids of the command only: the worker never sees its response_url. */
export const IntakeJobData = z.object({
  requestKey: z.string().min(1).max(500),
  service: z.string().min(1),
  environment: z.string().min(1),
  requestedBy: z.string().regex(/^[UW][A-Z0-9]+$/),
  teamId: z.string().nullable(),
  channelId: z.string().regex(/^[CDG][A-Z0-9]+$/),
});

export interface IntakeJobDeps extends IntakeDeps {
  logger: Logger;
  /** Pauses the intake queue (every replica) when Slack answers 429. */
  pauseQueue: (ms: number) => Promise<void>;
}

/** Runs a `/readiness run` the bot acked but may not have carried out (see settleIntake). */
export function intakeProcessor(deps: IntakeJobDeps) {
  return async (job: Job, token?: string) => {
    const request = parseJobData(IntakeJobData, job.data, 'intake');
    const fields = { jobId: job.id, service: request.service, environment: request.environment };
    let result: Awaited<ReturnType<typeof settleIntake>>;
    try {
      result = await settleIntake(deps, request);
    } catch (error) {
      return throwForSlackFailure(error, { logger: deps.logger, pauseQueue: deps.pauseQueue, what: 'the assessment message', fields });
    }
    switch (result.outcome) {
      case 'wait':
        // Back to delayed without spending an attempt: the bot, or whoever holds the claim, may still post.
        await job.moveToDelayed(result.until.getTime(), token);
        throw new DelayedError();
      case 'unavailable':
        throw new Error(`the ${result.dependency} was unavailable: ${result.detail}`);
      case 'refused':
        deps.logger.info('intake not run: the bot refused the run (told the person it did not start)', fields);
        return result;
      case 'unknown_target':
        deps.logger.warn('intake not run: readiness.yaml no longer defines the target', { ...fields, detail: result.detail });
        return result;
      case 'posted':
        deps.logger.info(
          result.recorded ? 'intake recorded an assessment the bot did not, and posted its message' : 'intake posted a missing assessment message',
          {
            ...fields,
            assessmentId: result.assessmentId,
          },
        );
        return result;
      case 'has_message':
        return result;
    }
  };
}
