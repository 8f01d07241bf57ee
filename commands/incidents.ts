import { listOpenIncidents } from '../src/incidents/list-open-incidents.ts';
import { incidentReplies } from '../src/slack/views/incident-replies.ts';
import { renderOpenIncidents } from '../src/slack/views/incident-list.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

/** `/readiness incidents`: the unresolved incidents, most severe first, only to the person who asked. */
export async function handleIncidents(deps: CommandDeps, ctx: CommandContext): Promise<void> {
  await ctx.ack(incidentReplies.lookingUp);
  await deps.afterAck(async () => {
    const open = await listOpenIncidents(deps.runtime.incidents);
    await ctx.respond(ephemeral(renderOpenIncidents(open, deps.now())));
  });
}
