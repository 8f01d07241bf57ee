import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { messages } from '../src/slack/messages.ts';
import { parseReadinessCommand, usageText } from '../src/slack/readiness-command.ts';
import { ephemeral, SlashCommandPayload, type CommandContext, type CommandDeps } from './command-context.ts';
import { handleReport } from './report.ts';
import { handleRun } from './run.ts';
import { handleOverride } from './override.ts';
import { handleDeploy, handleRollback } from './deploy.ts';
import { handleIncident } from './incident.ts';
import { handleIncidents } from './incidents.ts';
import { handleStatus } from './status.ts';
import { handleAudit } from './audit.ts';
import { handleDigest } from './digest.ts';

/** `/readiness …`: validate, then hand the subcommand to its handler, which acks within Slack's 3 s. */
export function readinessCommand(deps: CommandDeps) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const payload = SlashCommandPayload.safeParse(command);
    if (!payload.success) {
      await ack(ephemeral(messages.unreadableCommand(payload.error.issues.map((issue) => issue.path.join('.')).join(', '))));
      return;
    }
    const parsed = parseReadinessCommand(payload.data.text, deps.runtime.settings.config);
    if (!parsed.ok) return void (await ack(ephemeral(parsed.message)));
    const ctx: CommandContext = { payload: payload.data, ack: (text) => ack(ephemeral(text)), respond };
    switch (parsed.kind) {
      case 'help':
        return ctx.ack(usageText);
      case 'run':
        return handleRun(deps, ctx, parsed);
      case 'status':
        return handleStatus(deps, ctx, parsed);
      case 'audit':
        return handleAudit(deps, ctx, parsed);
      case 'report':
        return handleReport(deps, ctx, parsed);
      case 'override':
        return handleOverride(deps, ctx, parsed);
      case 'deploy':
        return handleDeploy(deps, ctx, parsed);
      case 'rollback':
        return handleRollback(deps, ctx, parsed);
      case 'incident':
        return handleIncident(deps, ctx, parsed);
      case 'incidents':
        return handleIncidents(deps, ctx);
      case 'digest':
        return handleDigest(deps, ctx, parsed);
    }
  };
}
