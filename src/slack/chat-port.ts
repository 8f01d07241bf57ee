import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import type { ChatPort } from './assessment-message.publisher.ts';

/** Narrows the Web API client to the chat calls the message code needs. */
export function chatPort(client: WebClient): ChatPort {
  return {
    // Our views build blocks as plain objects (validated against Block Kit limits by their tests), not the SDK's types.
    postMessage: (args) => client.chat.postMessage(args as ChatPostMessageArguments),
    update: (args) => client.chat.update(args),
    delete: (args) => client.chat.delete(args),
  };
}
