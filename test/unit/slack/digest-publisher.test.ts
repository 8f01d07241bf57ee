import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../../src/digests/build-digest.ts';
import { digestPublisher } from '../../../src/slack/digest-publisher.ts';
import { renderDigestMessage } from '../../../src/slack/views/digest-message.ts';
import { emptyData, scope, TO } from '../digests/fixtures.ts';

describe('digestPublisher', () => {
  const digest = buildDigest(scope(), emptyData());

  it('posts the digest rendered as of the given instant into the channel, and returns its ts', async () => {
    const posts: unknown[] = [];
    const publisher = digestPublisher({
      postMessage: async (message) => {
        posts.push(message);
        return { ts: '1700000000.000100' };
      },
    });
    await expect(publisher.publish('C0DIGEST', digest, TO)).resolves.toEqual({ messageTs: '1700000000.000100' });
    const { text, blocks } = renderDigestMessage(digest, TO);
    expect(posts).toEqual([{ channel: 'C0DIGEST', text, blocks }]);
  });

  it('fails when Slack accepts the post but returns no ts, so the run is not recorded as posted', async () => {
    const publisher = digestPublisher({ postMessage: async () => ({}) });
    await expect(publisher.publish('C0DIGEST', digest, TO)).rejects.toThrow('returned no message ts');
  });
});
