import type { NewAssessment } from '../src/assessments/assessment.types.ts';
import { startAssessment } from '../src/assessments/start-assessment.ts';
import { publishAssessmentMessage } from '../src/slack/assessment-message.publisher.ts';
import { chatPort } from '../src/slack/chat-port.ts';
import { messages } from '../src/slack/messages.ts';
import { classifySlackError } from '../src/slack/slack-errors.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

/** After the ack: record, enqueue, post the message; tell the user if any of it cannot happen. */
async function startAndPublish(deps: CommandDeps, request: NewAssessment, ctx: CommandContext): Promise<void> {
  const { runtime } = deps;
  const started = await startAssessment(
    { config: runtime.settings.config, assessments: runtime.assessments, scheduler: runtime.queues.scheduler, now: deps.now },
    request,
  );
  if (!started.ok) {
    const text =
      started.reason === 'unavailable' ? messages.unavailable(started.dependency, started.detail) : messages.unexpected(started.detail);
    await ctx.respond(ephemeral(text));
    return;
  }
  if (!started.created) return;
  try {
    await publishAssessmentMessage(
      { assessments: runtime.assessments, scheduler: runtime.queues.scheduler, chat: chatPort(runtime.slack) },
      started.assessment,
    );
  } catch (error) {
    const failure = classifySlackError(error);
    if (failure.kind !== 'permanent') throw error;
    await ctx.respond(ephemeral(messages.cannotPost(failure.error)));
  }
}

/** `/readiness run <service> <environment>`: ack at once, then start the assessment and post its message. */
export async function handleRun(deps: CommandDeps, ctx: CommandContext, target: { service: string; environment: string }): Promise<void> {
  await ctx.ack(messages.assessing(target.service, target.environment));
  const { payload } = ctx;
  await deps.afterAck(() =>
    startAndPublish(
      deps,
      {
        requestKey: payload.trigger_id,
        service: target.service,
        environment: target.environment,
        requestedBy: payload.user_id,
        teamId: payload.team_id ?? null,
        channelId: payload.channel_id,
      },
      ctx,
    ),
  );
}
