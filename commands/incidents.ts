import { incidentReplies } from '../src/slack/views/incident-replies.ts';
import { renderOpenIncidents } from '../src/slack/views/incident-list.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

/** `/readiness incidents`: the unresolved incidents, most severe first, only to the person who asked. */
export async function handleIncidents(deps: CommandDeps, ctx: CommandContext): Promise<void> {
  await ctx.ack(incidentReplies.lookingUp);
  await deps.afterAck(async () => {
    const open = await deps.runtime.incidents.incidents.listOpen();
    await ctx.respond(ephemeral(renderOpenIncidents(open, deps.now())));
  });
}
