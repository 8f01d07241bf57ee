import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { refreshAssessmentMessage, type MessageDeps } from '../src/slack/assessment-message.publisher.ts';
import { classifySlackError } from '../src/slack/slack-errors.ts';
import type { Logger } from '../src/shared/logger.ts';
import { AssessmentJobData, parseJobData } from './job-data.ts';

export interface RenderDeps extends Omit<MessageDeps, 'scheduler'> {
  logger: Logger;
  /** Pauses the whole render queue (every replica): Slack's rate limits are per workspace, not per process. */
  pauseQueue: (ms: number) => Promise<void>;
}

/** The Slack updater: re-renders one assessment message from the database. */
export function slackRenderProcessor(deps: RenderDeps) {
  return async (job: Job) => {
    const { assessmentId } = parseJobData(AssessmentJobData, job.data, 'render');
    try {
      return await refreshAssessmentMessage(deps, assessmentId);
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind === 'rate_limited') {
        deps.logger.warn('slack rate limited the updater; pausing', { retryAfterMs: failure.retryAfterMs, assessmentId });
        await deps.pauseQueue(failure.retryAfterMs);
        throw Worker.RateLimitError();
      }
      if (failure.kind === 'permanent') {
        deps.logger.error('slack refused the assessment message update', { assessmentId, slackError: failure.error });
        throw new UnrecoverableError(`Slack refused the update: ${failure.error}`);
      }
      throw error;
    }
  };
}
