import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import type { ChatPort, PostIntent } from './assessment-message.publisher.ts';

// One page of history is enough: the message sought is at most a few minutes old, and 200 messages of one channel
// in that time is far beyond what a channel of releases sees.
const HISTORY_PAGE = 200;

/** Narrows the Web API client to the chat calls the message code needs. */
export function chatPort(client: WebClient): ChatPort {
  return {
    // Our views build blocks as plain objects (validated against Block Kit limits by their tests), not the SDK's types.
    postMessage: (args) => client.chat.postMessage(args as ChatPostMessageArguments),
    update: (args) => client.chat.update(args),
    delete: (args) => client.chat.delete(args),
    findPosted: async ({ channel, intent, oldest, threadTs }) => {
      if (threadTs !== undefined) {
        // A reply: conversations.history shows only the channel's own messages (and broadcast replies).
        const thread = await client.conversations.replies({ channel, ts: threadTs, limit: HISTORY_PAGE, include_all_metadata: true });
        return thread.messages?.find((message) => carries(message.metadata, intent))?.ts;
      }
      const page = await client.conversations.history({
        channel,
        oldest: (oldest.getTime() / 1000).toFixed(6),
        limit: HISTORY_PAGE,
        include_all_metadata: true,
      });
      return page.messages?.find((message) => carries(message.metadata, intent))?.ts;
    },
  };
}

function carries(metadata: { event_type?: string; event_payload?: Record<string, unknown> } | undefined, intent: PostIntent): boolean {
  return metadata?.event_type === intent.event_type && metadata.event_payload?.intent_id === intent.event_payload.intent_id;
}
