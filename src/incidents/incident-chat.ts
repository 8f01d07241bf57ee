import type { KnownBlock, WebClient } from '@slack/web-api';
import { classifySlackError, type SlackFailure } from '../slack/slack-errors.ts';

type Blocks = Record<string, unknown>[];

// Views build blocks as plain objects (validated against Block Kit's limits in tests and by the stand-in).
const asBlocks = (blocks: Blocks) => blocks as unknown as KnownBlock[];

/** The two chat calls incident posts need. */
export interface IncidentChat {
  post(message: { channel: string; text: string; blocks: Blocks; threadTs?: string | undefined }): Promise<{ channel: string; ts: string }>;
  update(message: { channel: string; ts: string; text: string; blocks: Blocks }): Promise<void>;
}

/** A Slack call that failed, sorted into what to do about it: wait (429), retry (5xx, network) or give up. */
export class ChatFailure extends Error {
  constructor(readonly failure: SlackFailure) {
    super(failure.kind === 'rate_limited' ? `rate limited for ${failure.retryAfterMs} ms` : failure.error);
    this.name = 'ChatFailure';
  }
}

// Slack's own trouble: worth retrying. Any other error Slack answers (an unknown user, a closed DM) will not change.
const TRANSIENT_SLACK_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

function classify(error: unknown): SlackFailure {
  const failure = classifySlackError(error);
  const answered = typeof (error as { data?: { error?: unknown } } | undefined)?.data?.error === 'string';
  if (failure.kind === 'transient' && answered && !TRANSIENT_SLACK_ERRORS.has(failure.error)) return { kind: 'permanent', error: failure.error };
  return failure;
}

/** The Web API client narrowed to incident posts; every failure comes out as a ChatFailure. */
export function incidentChat(client: Pick<WebClient, 'chat'>): IncidentChat {
  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw new ChatFailure(classify(error));
    }
  };
  return {
    async post({ channel, text, blocks, threadTs }) {
      const response = await call(() =>
        client.chat.postMessage({
          channel,
          text,
          ...(blocks.length > 0 ? { blocks: asBlocks(blocks) } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (!response.ts) throw new ChatFailure({ kind: 'transient', error: 'chat.postMessage returned no ts' });
      return { channel: response.channel ?? channel, ts: response.ts };
    },
    async update({ channel, ts, text, blocks }) {
      await call(() => client.chat.update({ channel, ts, text, blocks: asBlocks(blocks) }));
    },
  };
}
