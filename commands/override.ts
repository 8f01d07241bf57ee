import { overrideDecision, type OverrideResult } from '../src/approvals/override.ts';
import { roleMentions } from '../src/slack/role-mentions.ts';
import { resolveAssessmentReference } from '../src/assessments/resolve-reference.ts';
import { referenceText, type AssessmentReference } from '../src/reports/assessment-reference.ts';
import { messages } from '../src/slack/messages.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

/** `/readiness override <assessment> <justification>`: ack, then check the role and record the override. */
export async function handleOverride(
  deps: CommandDeps,
  ctx: CommandContext,
  input: { reference: AssessmentReference; justification: string },
): Promise<void> {
  const typed = referenceText(input.reference);
  await ctx.ack(messages.overrideChecking(typed));
  await deps.afterAck(async () => {
    const resolved = await resolveAssessmentReference(deps.runtime.reports, input.reference);
    if (!resolved.ok) {
      await ctx.respond(ephemeral(messages.assessmentNotResolved(resolved, typed, 'override')));
      return;
    }
    const result: OverrideResult = await overrideDecision(
      { ...deps.approvals.domain, effects: deps.approvals.effects },
      { assessmentId: resolved.assessment.id, userId: ctx.payload.user_id, justification: input.justification },
    );
    await ctx.respond(ephemeral(messages.overrideAnswer(result, roleMentions(deps.runtime.roles))));
  });
}
