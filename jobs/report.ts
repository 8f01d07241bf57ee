import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { postReport, type PostReportDeps } from '../src/reports/post-report.ts';
import { classifySlackError } from '../src/slack/slack-errors.ts';
import type { Logger } from '../src/shared/logger.ts';
import { parseJobData } from './job-data.ts';

export const ReportJobData = z.object({
  assessmentId: z.uuid(),
  key: z.string().regex(/^[a-z0-9]{1,32}$/),
  requestedBy: z.string().min(1),
});

export interface ReportJobDeps extends PostReportDeps {
  logger: Logger;
  /** Pauses the reports queue (every replica) when Slack answers 429. */
  pauseQueue: (ms: number) => Promise<void>;
}

/** Posts an assessment's full report into its thread. */
export function reportProcessor(deps: ReportJobDeps) {
  return async (job: Job) => {
    const request = parseJobData(ReportJobData, job.data, 'report');
    let result: Awaited<ReturnType<typeof postReport>>;
    try {
      result = await postReport(deps, request);
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind === 'rate_limited') {
        deps.logger.warn('slack rate limited a report upload; pausing', { retryAfterMs: failure.retryAfterMs, assessmentId: request.assessmentId });
        await deps.pauseQueue(failure.retryAfterMs);
        throw Worker.RateLimitError();
      }
      if (failure.kind === 'permanent') {
        deps.logger.error('slack refused the report upload', { assessmentId: request.assessmentId, slackError: failure.error });
        throw new UnrecoverableError(`Slack refused the report: ${failure.error}`);
      }
      throw error;
    }
    // The command that started the assessment posts its message after the ack; the report waits for that thread.
    if (result === 'no_message_yet') throw new Error(`assessment ${request.assessmentId} has no message to reply to yet`);
    if (result === 'not_found' || result === 'not_finished') {
      deps.logger.warn('report not posted', { assessmentId: request.assessmentId, reason: result });
    }
    return result;
  };
}
