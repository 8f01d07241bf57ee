import type { DeploymentView } from '../deployments/deployment.types.ts';
import type { ChatPort, PostIntent } from './assessment-message.publisher.ts';

/**
 * Posts a deployment's messages (its message, the release thread's announcements, channel alerts) at most once each.
 * chat.postMessage has no idempotency key, and a worker killed between Slack's OK and the database write — or a job
 * retried after it posted — would post again. So every post carries its intent as message metadata, and the channel
 * or thread is looked through for it first (see docs/reliability.md, "Slack storms"). One look-up per post: these
 * messages are a handful per deployment.
 */
/**
 * How far before the deployment's creation the channel is searched: Slack's clock is not ours, and a message's ts
 * is Slack's time (the stand-in even rounds it down to the second).
 */
const CLOCK_SKEW_MS = 5 * 60_000;

export function idempotentPoster(chat: Pick<ChatPort, 'postMessage' | 'findPosted'>) {
  return async (
    deployment: Pick<DeploymentView, 'channelId' | 'threadTs' | 'createdAt'>,
    where: { inThread: boolean; intentId: string },
    message: { text: string; blocks?: Record<string, unknown>[] },
  ): Promise<string | undefined> => {
    const intent: PostIntent = { event_type: 'readiness_deployment_message', event_payload: { intent_id: where.intentId } };
    const threadTs = where.inThread && deployment.threadTs !== null ? deployment.threadTs : undefined;
    if (chat.findPosted !== undefined) {
      const earlier = await chat.findPosted({
        channel: deployment.channelId,
        intent,
        oldest: new Date(deployment.createdAt.getTime() - CLOCK_SKEW_MS),
        ...(threadTs !== undefined ? { threadTs } : {}),
      });
      if (earlier !== undefined) return earlier;
    }
    const posted = await chat.postMessage({
      channel: deployment.channelId,
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      ...message,
      metadata: intent,
    });
    return posted.ts;
  };
}
