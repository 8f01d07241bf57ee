import { referenceText, type AssessmentReference } from '../src/reports/assessment-reference.ts';
import { requestReport } from '../src/reports/request-report.ts';
import { reportRequestAnswer } from '../src/slack/views/report-replies.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

/** `/readiness report <assessment>`: ack at once, then find the assessment and have its report posted in its thread. */
export async function handleReport(deps: CommandDeps, ctx: CommandContext, parsed: { reference: AssessmentReference }): Promise<void> {
  const typed = referenceText(parsed.reference);
  await ctx.ack(`:mag: Looking for assessment \`${typed}\`…`);
  const { runtime } = deps;
  await deps.afterAck(async () => {
    const result = await requestReport(
      { reports: runtime.reports, assessments: runtime.assessments, scheduler: runtime.queues.reportScheduler },
      { reference: parsed.reference, requestKey: ctx.payload.trigger_id, requestedBy: ctx.payload.user_id },
    );
    await ctx.respond(ephemeral(reportRequestAnswer(result, typed)));
  });
}
