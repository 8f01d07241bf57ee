import type { Job } from 'bullmq';
import { refreshAssessmentMessage, type MessageDeps } from '../src/slack/assessment-message.publisher.ts';
import type { Logger } from '../src/shared/logger.ts';
import { AssessmentJobData, DeploymentJobData, parseJobData, SignoffJobData } from './job-data.ts';
import { throwForSlackFailure } from './slack-failure.ts';

export interface RenderDeps extends Omit<MessageDeps, 'scheduler'> {
  /** Re-renders a sign-off message; absent where sign-off is not wired (tests of assessments alone). */
  refreshSignoff?: ((requestId: string) => Promise<unknown>) | undefined;
  /** Re-renders a deployment message; absent where deployments are not wired. */
  refreshDeployment?: ((deploymentId: string) => Promise<unknown>) | undefined;
  logger: Logger;
  /** Pauses the whole render queue (every replica): Slack's rate limits are per workspace, not per process. */
  pauseQueue: (ms: number) => Promise<void>;
}

/** The Slack updater: re-renders one assessment message from the database. */
export function slackRenderProcessor(deps: RenderDeps) {
  return async (job: Job) => {
    try {
      if (job.name === 'deployment') {
        const { deploymentId } = parseJobData(DeploymentJobData, job.data, 'deployment render');
        return await deps.refreshDeployment?.(deploymentId);
      }
      if (job.name === 'signoff') {
        const { requestId } = parseJobData(SignoffJobData, job.data, 'signoff render');
        return await deps.refreshSignoff?.(requestId);
      }
      const { assessmentId } = parseJobData(AssessmentJobData, job.data, 'render');
      return await refreshAssessmentMessage(deps, assessmentId);
    } catch (error) {
      return throwForSlackFailure(error, { logger: deps.logger, pauseQueue: deps.pauseQueue, what: 'a message update', fields: { jobId: job.id } });
    }
  };
}
