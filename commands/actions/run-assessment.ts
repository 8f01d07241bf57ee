import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { messages } from '../../src/slack/messages.ts';
import { parseReadinessCommand } from '../../src/slack/readiness-command.ts';
import { ephemeral, type CommandContext, type CommandDeps } from '../command-context.ts';
import { handleRun } from '../run.ts';

const Click = z.object({
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]+$/) }),
  channel: z.object({ id: z.string().regex(/^[CDG][A-Z0-9]+$/) }),
  team: z.object({ id: z.string() }).nullish(),
  trigger_id: z.string().min(1),
  actions: z.array(z.object({ value: z.string().regex(/^[a-z0-9][a-z0-9_.-]*\/[a-z0-9][a-z0-9_.-]*$/) })).length(1),
});

/**
 * "Run a new assessment" on a refused Start: exactly `/readiness run <service> <environment>` by the person who
 * clicked, in the channel of the click. The target goes through the command's own parser, so a service or
 * environment removed from readiness.yaml since is refused the same way.
 */
export function runAssessmentAction(deps: CommandDeps) {
  return async ({ ack, body, respond }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = Click.safeParse(body);
    if (!click.success)
      return void (await respond(ephemeral(messages.unreadableCommand(click.error.issues.map((issue) => issue.path.join('.')).join(', ')))));
    const [service, environment] = (click.data.actions[0]?.value ?? '').split('/') as [string, string];
    const parsed = parseReadinessCommand(`run ${service} ${environment}`, deps.runtime.settings.config);
    if (!parsed.ok) return void (await respond({ ...ephemeral(parsed.message), replace_original: false }));
    if (parsed.kind !== 'run') return;
    const ctx: CommandContext = {
      payload: {
        text: `run ${service} ${environment}`,
        user_id: click.data.user.id,
        channel_id: click.data.channel.id,
        team_id: click.data.team?.id,
        trigger_id: click.data.trigger_id,
      },
      // The click was acked above; the "assessing…" line goes to the clicker the way the command's ack would.
      ack: (text) => respond({ ...ephemeral(text), replace_original: false }).then(() => undefined),
      respond,
    };
    await handleRun(deps, ctx, parsed);
  };
}
