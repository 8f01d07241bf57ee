import { loadAuditPage } from '../src/status/audit-page.ts';
import { messages } from '../src/slack/messages.ts';
import { escapeText } from '../src/slack/escape.ts';
import { auditBeyondLastPage, renderAuditPage } from '../src/slack/views/status-audit.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

/** `/readiness audit <service> [environment] [page]`: ack at once, then read one page of the service's audit trail. */
export async function handleAudit(
  deps: CommandDeps,
  ctx: CommandContext,
  input: { service: string; environment: string | null; page: number },
): Promise<void> {
  const where = input.environment === null ? escapeText(input.service) : `${escapeText(input.service)} → ${escapeText(input.environment)}`;
  await ctx.ack(`:mag: Looking up the audit trail of *${where}*…`);
  await deps.afterAck(async () => {
    const result = await loadAuditPage({ status: deps.runtime.status }, input);
    if (result.ok) return void (await ctx.respond({ response_type: 'ephemeral', ...renderAuditPage(result.page) }));
    const text = result.reason === 'unavailable' ? messages.unavailable('database', result.detail) : auditBeyondLastPage({ ...input, ...result });
    await ctx.respond(ephemeral(text));
  });
}
