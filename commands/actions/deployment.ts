import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { roleMentions } from '../../src/slack/role-mentions.ts';
import { z } from 'zod';
import { controlDeployment, passGate, type ControlAction } from '../../src/deployments/control.ts';
import { requestRollback } from '../../src/deployments/rollback.ts';
import { deploymentMessages } from '../../src/slack/deployment-messages.ts';
import { messages } from '../../src/slack/messages.ts';
import { isInboxReplay } from '../../src/slack/replay-app.ts';
import type { CommandDeps } from '../command-context.ts';

const Click = z.object({
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]+$/) }),
  actions: z.array(z.object({ value: z.string().max(200) })).length(1),
});
const DeploymentId = z.string().regex(/^[0-9a-f-]{36}$/);
const GateValue = z.string().regex(/^[0-9a-f-]{36}\/[a-z0-9][a-z0-9_.-]*$/);

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });
type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;

function parse(body: unknown, value: z.ZodString) {
  const click = Click.safeParse(body);
  const raw = click.success ? click.data.actions[0]?.value : undefined;
  if (!click.success || !value.safeParse(raw).success) {
    return { ok: false as const, problems: click.success ? 'actions.0.value' : click.error.issues.map((issue) => issue.path.join('.')).join(', ') };
  }
  return { ok: true as const, userId: click.data.user.id, value: raw ?? '' };
}

/** Start, Cancel, Pause, Resume, Abort on the deployment message. */
export function deploymentControlAction(deps: CommandDeps, action: ControlAction) {
  return async ({ ack, body, respond, context }: ActionArgs) => {
    await ack();
    const click = parse(body, DeploymentId);
    if (!click.ok) return void (await respond(ephemeral(messages.unreadableCommand(click.problems))));
    const result = await controlDeployment(deps.deployments.domain, {
      deploymentId: click.value,
      action,
      userId: click.userId,
      replay: isInboxReplay(context),
    });
    if (!result.ok && result.reason === 'start_refused')
      await respond({ response_type: 'ephemeral', replace_original: false, ...deploymentMessages.startRefusedResponse(result) });
    else if (!result.ok) await respond(ephemeral(deploymentMessages.controlRefused(result, roleMentions(deps.runtime.roles))));
  };
}

/** Rollback on the deployment message. */
export function deploymentRollbackAction(deps: CommandDeps) {
  return async ({ ack, body, respond }: ActionArgs) => {
    await ack();
    const click = parse(body, DeploymentId);
    if (!click.ok) return void (await respond(ephemeral(messages.unreadableCommand(click.problems))));
    const result = await requestRollback(deps.deployments.domain, {
      deploymentId: click.value,
      by: click.userId,
      reason: 'manual rollback from the deployment message',
      checkRole: true,
    });
    if (!result.ok) await respond(ephemeral(deploymentMessages.rollbackAnswer(result, roleMentions(deps.runtime.roles))));
  };
}

/** Proceed on a manual gate. */
export function gateProceedAction(deps: CommandDeps) {
  return async ({ ack, body, respond }: ActionArgs) => {
    await ack();
    const click = parse(body, GateValue);
    if (!click.ok) return void (await respond(ephemeral(messages.unreadableCommand(click.problems))));
    const [deploymentId, taskId] = click.value.split('/') as [string, string];
    const result = await passGate(deps.deployments.domain, { deploymentId, taskId, userId: click.userId });
    if (!result.ok) await respond(ephemeral(deploymentMessages.controlRefused(result, roleMentions(deps.runtime.roles))));
  };
}
