import type { AssessmentScheduler } from '../queue/queues.ts';
import type { AssessmentView } from '../assessments/assessment.types.ts';
import type { AssessmentRepository } from '../store/assessments.repository.ts';
import { renderAssessmentMessage } from './views/assessment-message.ts';
import type { SignoffBadge } from './views/signoff-message.ts';

/** The two Web API calls the assessment message needs; WebClient['chat'] satisfies it. */
export interface ChatPort {
  postMessage(args: { channel: string; text: string; blocks?: Record<string, unknown>[]; thread_ts?: string; reply_broadcast?: boolean }): Promise<{ ts?: string | undefined }>;
  update(args: { channel: string; ts: string; text: string; blocks: Record<string, unknown>[] }): Promise<unknown>;
}

export interface MessageDeps {
  assessments: Pick<AssessmentRepository, 'find' | 'attachMessage'>;
  scheduler: Pick<AssessmentScheduler, 'requestRender'>;
  chat: ChatPort;
  /** Where sign-off stands for the assessment, when its environment has a sign-off policy. */
  signoffBadge?: ((view: AssessmentView) => Promise<SignoffBadge | undefined>) | undefined;
}

export type PublishResult = 'posted' | 'already_posted';

/**
 * Posts the first version of the message from the state the assessment was created with; later versions go
 * through refreshAssessmentMessage.
 */
export async function publishAssessmentMessage(deps: MessageDeps, view: AssessmentView): Promise<PublishResult> {
  if (view.messageTs !== null) return 'already_posted';
  const response = await deps.chat.postMessage({ channel: view.channelId, ...renderAssessmentMessage(view) });
  if (response.ts === undefined) throw new Error('chat.postMessage returned no ts');
  if (!(await deps.assessments.attachMessage(view.id, response.ts))) return 'already_posted';
  // Checks may have finished since the view was read; one render catches the message up.
  await deps.scheduler.requestRender(view.id);
  return 'posted';
}

export type RefreshResult = 'updated' | 'no_message_yet' | 'not_found';

/** Re-renders the message from the database: Slack shows what the database says, whatever came before. */
export async function refreshAssessmentMessage(deps: Omit<MessageDeps, 'scheduler'>, assessmentId: string): Promise<RefreshResult> {
  const view = await deps.assessments.find(assessmentId);
  if (!view) return 'not_found';
  if (view.messageTs === null) return 'no_message_yet';
  const signoff = await deps.signoffBadge?.(view);
  await deps.chat.update({ channel: view.channelId, ts: view.messageTs, ...renderAssessmentMessage(view, { signoff }) });
  return 'updated';
}
