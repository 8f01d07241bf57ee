import { lookUpStatus } from '../src/status/look-up-status.ts';
import { roleMentions } from '../src/slack/role-mentions.ts';
import { messages } from '../src/slack/messages.ts';
import { escapeText } from '../src/slack/escape.ts';
import { renderStatusAnswer } from '../src/slack/views/status-message.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

/** `/readiness status <service> <environment>`: ack at once, then read the latest assessment and its sign-off. */
export async function handleStatus(deps: CommandDeps, ctx: CommandContext, target: { service: string; environment: string }): Promise<void> {
  await ctx.ack(`:mag: Looking up *${escapeText(target.service)} → ${escapeText(target.environment)}*…`);
  const { runtime } = deps;
  await deps.afterAck(async () => {
    const found = await lookUpStatus({ status: runtime.status, signoffs: runtime.signoffs, config: runtime.settings.config }, target);
    if (!found.ok) return void (await ctx.respond(ephemeral(messages.unavailable('database', found.detail))));
    const answer = renderStatusAnswer(found.snapshot, roleMentions(runtime.roles), deps.now());
    await ctx.respond({ response_type: 'ephemeral', ...answer });
  });
}
