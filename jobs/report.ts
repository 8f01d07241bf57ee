import type { Job } from 'bullmq';
import { z } from 'zod';
import { postReport, type PostReportDeps } from '../src/reports/post-report.ts';
import type { Logger } from '../src/shared/logger.ts';
import { throwForSlackFailure } from './slack-failure.ts';
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
      return throwForSlackFailure(error, {
        logger: deps.logger,
        pauseQueue: deps.pauseQueue,
        what: 'the report upload',
        fields: { assessmentId: request.assessmentId },
      });
    }
    // The command that started the assessment posts its message after the ack; the report waits for that thread.
    if (result === 'no_message_yet') throw new Error(`assessment ${request.assessmentId} has no message to reply to yet`);
    if (result === 'not_found' || result === 'not_finished') {
      deps.logger.warn('report not posted', { assessmentId: request.assessmentId, reason: result });
    }
    return result;
  };
}
