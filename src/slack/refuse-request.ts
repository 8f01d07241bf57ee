import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

const field = (value: unknown, key: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

/** The block id of a modal's first input, where Slack can show an error; undefined for a modal without inputs. */
function firstInputBlock(body: unknown): string | undefined {
  const blocks = field(field(body, 'view'), 'blocks');
  const input = Array.isArray(blocks) ? blocks.find((block) => field(block, 'type') === 'input') : undefined;
  const blockId = field(input, 'block_id');
  return typeof blockId === 'string' && blockId !== '' ? blockId : undefined;
}

/**
 * Acknowledges a request that a middleware refuses, telling only the person who sent it why: a slash command in
 * its ack, a modal as an error on its first input, a click or shortcut through its response URL. Middleware
 * refuse before any listener runs, so nothing else acks the request.
 */
export async function refuseRequest(args: Args, text: string): Promise<void> {
  const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as (response?: unknown) => Promise<void>) : undefined;
  if ('command' in args) return void (await ack?.({ response_type: 'ephemeral', text }));
  if ('view' in args) {
    const block = firstInputBlock(args.body);
    return void (await ack?.(block ? { response_action: 'errors', errors: { [block]: text } } : undefined));
  }
  await ack?.();
  if ('respond' in args) await args.respond({ response_type: 'ephemeral', replace_original: false, text });
}
