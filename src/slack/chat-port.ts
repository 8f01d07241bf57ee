import type { WebClient } from '@slack/web-api';
import type { ChatPort } from './assessment-message.publisher.ts';

/** Narrows the Web API client to the two chat calls the message code needs. */
export function chatPort(client: WebClient): ChatPort {
  return {
    postMessage: (args) => client.chat.postMessage(args),
    update: (args) => client.chat.update(args),
  };
}
