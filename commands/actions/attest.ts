import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { roleMentions } from '../../src/slack/role-mentions.ts';
import { z } from 'zod';
import { attestCheck } from '../../src/assessments/attest-check.ts';
import { messages } from '../../src/slack/messages.ts';
import type { CommandDeps } from '../command-context.ts';

const AttestClick = z.object({
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]+$/) }),
  actions: z.array(z.object({ value: z.string().regex(/^[0-9a-f-]{36}\/[a-z0-9][a-z0-9_.-]*$/) })).length(1),
});

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });

/** The Attest button of a manual check: ack at once, then record the attestation or say why not. */
export function attestAction(deps: CommandDeps) {
  return async ({ ack, body, respond }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = AttestClick.safeParse(body);
    if (!click.success) {
      await respond(ephemeral(messages.unreadableCommand(click.error.issues.map((issue) => issue.path.join('.')).join(', '))));
      return;
    }
    const [assessmentId, checkId] = (click.data.actions[0]?.value ?? '').split('/') as [string, string];
    const { runtime } = deps;
    const result = await attestCheck(
      { assessments: runtime.assessments, roles: runtime.roles, scheduler: runtime.queues.scheduler, now: deps.now },
      { assessmentId, checkId, userId: click.data.user.id },
    );
    if (!result.ok) await respond(ephemeral(messages.attestRefused(result, roleMentions(deps.runtime.roles))));
  };
}
