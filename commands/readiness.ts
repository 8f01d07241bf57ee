import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { ReadinessConfig } from '../src/config/readiness-config.schema.ts';
import type { NewAssessment } from '../src/assessments/assessment.types.ts';
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
  publishAssessment: (assessmentId: string) => Promise<PublishResult>;
}

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

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
    const started = await deps.startAssessment({
      requestKey: payload.data.trigger_id,
      service: parsed.service,
      environment: parsed.environment,
      requestedBy: payload.data.user_id,
      teamId: payload.data.team_id ?? null,
      channelId: payload.data.channel_id,
    });
    if (!started.ok) {
      const text =
        started.reason === 'unavailable' ? messages.unavailable(started.dependency, started.detail) : messages.unexpected(started.detail);
      await respond(ephemeral(text));
      return;
    }
    if (!started.created) return;
    try {
      await deps.publishAssessment(started.assessment.id);
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind !== 'permanent') throw error;
      await respond(ephemeral(messages.cannotPost(failure.error)));
    }
  };
}
