import type { DigestPublisher } from '../digests/digest.ports.ts';
import type { ChatPort } from './assessment-message.publisher.ts';
import { renderDigestMessage } from './views/digest-message.ts';

/** Digests posted as Block Kit messages; Slack's failures are thrown as the client throws them (the job sorts them). */
export function digestPublisher(chat: Pick<ChatPort, 'postMessage'>): DigestPublisher {
  return {
    async publish(channel, digest, at) {
      const message = renderDigestMessage(digest, at);
      const posted = await chat.postMessage({ channel, text: message.text, blocks: message.blocks });
      if (!posted.ts) throw new Error('Slack accepted the digest but returned no message ts');
      return { messageTs: posted.ts };
    },
  };
}
