import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { ReadinessConfig } from '../src/config/readiness-config.schema.ts';
import type { AssessmentView, NewAssessment } from '../src/assessments/assessment.types.ts';
import type { Limiter } from '../src/shared/limiter.ts';
import type { StartResult } from '../src/assessments/start-assessment.ts';
import type { PublishResult } from '../src/slack/assessment-message.publisher.ts';
import { messages } from '../src/slack/messages.ts';
import { parseReadinessCommand, usageText } from '../src/slack/readiness-command.ts';
import { classifySlackError } from '../src/slack/slack-errors.ts';

export const SlashCommandPayload = z.object({
  text: z.string().default(''),
  user_id: z.string().regex(/^[UW][A-Z0-9]+$/),
  channel_id: z.string().regex(/^[CDG][A-Z0-9]+$/),
  team_id: z.string().optional(),
  trigger_id: z.string().min(1),
});

export interface ReadinessCommandDeps {
  config: ReadinessConfig;
  startAssessment: (request: NewAssessment) => Promise<StartResult>;
  publishAssessment: (assessment: AssessmentView) => Promise<PublishResult>;
  /** Bounds the work that follows acks, so a burst of commands never delays the acks themselves. */
  afterAck: Limiter;
}

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

type Respond = SlackCommandMiddlewareArgs['respond'];
type RunRequest = { service: string; environment: string } & z.infer<typeof SlashCommandPayload>;

/** After the ack: record, enqueue, post the message; tell the user if any of it cannot happen. */
async function startAndPublish(deps: ReadinessCommandDeps, request: RunRequest, respond: Respond): Promise<void> {
  const started = await deps.startAssessment({
    requestKey: request.trigger_id,
    service: request.service,
    environment: request.environment,
    requestedBy: request.user_id,
    teamId: request.team_id ?? null,
    channelId: request.channel_id,
  });
  if (!started.ok) {
    const text =
      started.reason === 'unavailable' ? messages.unavailable(started.dependency, started.detail) : messages.unexpected(started.detail);
    await respond(ephemeral(text));
    return;
  }
  if (!started.created) return;
  try {
    await deps.publishAssessment(started.assessment);
  } catch (error) {
    const failure = classifySlackError(error);
    if (failure.kind !== 'permanent') throw error;
    await respond(ephemeral(messages.cannotPost(failure.error)));
  }
}

/** `/readiness …`: validate, ack within Slack's 3 s with what happens next, then start the work. */
export function readinessCommand(deps: ReadinessCommandDeps) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const payload = SlashCommandPayload.safeParse(command);
    if (!payload.success) {
      await ack(ephemeral(messages.unreadableCommand(payload.error.issues.map((issue) => issue.path.join('.')).join(', '))));
      return;
    }
    const parsed = parseReadinessCommand(payload.data.text, deps.config);
    if (!parsed.ok) return void (await ack(ephemeral(parsed.message)));
    if (parsed.kind === 'help') return void (await ack(ephemeral(usageText)));

    await ack(ephemeral(messages.assessing(parsed.service, parsed.environment)));
    await deps.afterAck(() => startAndPublish(deps, { ...payload.data, ...parsed }, respond));
  };
}
