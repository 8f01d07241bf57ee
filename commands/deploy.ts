import { planDeployment } from '../src/deployments/plan-deployment.ts';
import { roleMentions } from '../src/slack/role-mentions.ts';
import { rollbackLatestDeployment } from '../src/deployments/rollback.ts';
import { deploymentMessages } from '../src/slack/deployment-messages.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

/** `/readiness deploy <service> <env> [template] [version]`: ack, then plan (or say why not). */
export async function handleDeploy(
  deps: CommandDeps,
  ctx: CommandContext,
  input: { service: string; environment: string; template: string | undefined; version: string | undefined },
): Promise<void> {
  await ctx.ack(deploymentMessages.planning(input.service, input.environment));
  await deps.afterAck(async () => {
    const result = await planDeployment(deps.deployments.domain, { ...input, requestKey: ctx.payload.trigger_id, userId: ctx.payload.user_id });
    await ctx.respond(ephemeral(deploymentMessages.planAnswer(result, roleMentions(deps.runtime.roles))));
  });
}

/** `/readiness rollback <service> <env> [reason]`: rolls back the newest deployment that started there. */
export async function handleRollback(
  deps: CommandDeps,
  ctx: CommandContext,
  input: { service: string; environment: string; reason: string | undefined },
): Promise<void> {
  await ctx.ack(`:rewind: Looking for the latest deployment of *${input.service}* in *${input.environment}*…`);
  await deps.afterAck(async () => {
    const result = await rollbackLatestDeployment(deps.deployments.domain, {
      service: input.service,
      environment: input.environment,
      by: ctx.payload.user_id,
      reason: input.reason ?? 'manual rollback (no reason given)',
    });
    await ctx.respond(ephemeral(deploymentMessages.rollbackAnswer(result, roleMentions(deps.runtime.roles))));
  });
}
