import { previewDigest } from '../src/digests/post-digest.ts';
import { messages } from '../src/slack/messages.ts';
import { renderDigestList } from '../src/slack/views/digest-list.ts';
import { renderDigestMessage } from '../src/slack/views/digest-message.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

/** `/readiness digest [name]`: lists the digests, or shows one as it would be posted now, only to the user who asked. */
export async function handleDigest(deps: CommandDeps, ctx: CommandContext, parsed: { name: string | null }): Promise<void> {
  const { runtime } = deps;
  const { config } = runtime.settings;
  if (parsed.name === null) return ctx.ack(renderDigestList(config.digests));
  const name = parsed.name;
  await ctx.ack(`:bar_chart: Building digest \`${name}\`…`);
  await deps.afterAck(async () => {
    let preview: Awaited<ReturnType<typeof previewDigest>>;
    try {
      preview = await previewDigest({ config, digests: runtime.digests, now: deps.now }, name);
    } catch (error) {
      return void (await ctx.respond(ephemeral(messages.unavailable('database', describe(error)))));
    }
    // The parser only passes digests readiness.yaml defines; a config reload between the two is the only way here.
    if (!preview.ok) return void (await ctx.respond(ephemeral(`There is no digest \`${name}\` any more.`)));
    await ctx.respond({ response_type: 'ephemeral', ...renderDigestMessage(preview.digest, preview.at) });
  });
}
