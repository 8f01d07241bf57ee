import type { KnownBlock, WebClient } from '@slack/web-api';
import { ChatFailure, type ChatFailureReason } from '../incidents/incident-chat.ts';
import type { PostedMessage } from '../incidents/incident.ports.ts';
import { classifySlackError } from './slack-errors.ts';

type Blocks = Record<string, unknown>[];

// Views build blocks as plain objects (validated against Block Kit's limits in tests and by the stand-in).
const asBlocks = (blocks: Blocks) => blocks as unknown as KnownBlock[];

/** The two chat calls incident posts need. */
export interface IncidentPoster {
  post(message: { channel: string; text: string; blocks: Blocks; threadTs?: string | undefined }): Promise<PostedMessage>;
  update(message: { channel: string; ts: string; text: string; blocks: Blocks }): Promise<void>;
}

// Slack's own trouble: worth retrying. Any other error Slack answers (an unknown user, a closed DM) will not change.
const TRANSIENT_SLACK_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

function classify(error: unknown): ChatFailureReason {
  const failure = classifySlackError(error);
  const answered = typeof (error as { data?: { error?: unknown } } | undefined)?.data?.error === 'string';
  if (failure.kind === 'transient' && answered && !TRANSIENT_SLACK_ERRORS.has(failure.error)) return { kind: 'permanent', error: failure.error };
  return failure;
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw new ChatFailure(classify(error));
  }
}

/** The Web API client narrowed to incident posts; every failure comes out as a ChatFailure. */
export function incidentPoster(client: Pick<WebClient, 'chat'>): IncidentPoster {
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
