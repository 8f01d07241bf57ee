import { deliverIncidentNotifications } from '../src/incidents/deliver-notifications.ts';
import { incidentChat } from '../src/slack/incident-chat.ts';
import type { IncidentSeverity } from '../src/incidents/incident.types.ts';
import { openIncident } from '../src/incidents/open-incident.ts';
import { alertChannel } from '../src/incidents/severity-policy.ts';
import { errorFields } from '../src/shared/logger.ts';
import { incidentReplies } from '../src/slack/views/incident-replies.ts';
import { ephemeral, type CommandContext, type CommandDeps } from './command-context.ts';

type IncidentRequest = { severity: IncidentSeverity; title: string; service: string | null };

/**
 * After the ack: record the incident (its timer and posts are queued for the workers), then post the alert from
 * here, so that a channel the bot cannot post in is told to the person who asked rather than only logged. Only the
 * alert: the pages and DMs behind it are the workers' (a long list or a rate-limited Slack must not hold the bot).
 */
async function openAndAlert(deps: CommandDeps, ctx: CommandContext, request: IncidentRequest): Promise<void> {
  const { runtime } = deps;
  const { payload } = ctx;
  const opened = await openIncident(runtime.incidents, {
    requestKey: payload.trigger_id,
    severity: request.severity,
    title: request.title,
    service: request.service,
    openedBy: payload.user_id,
    originChannel: payload.channel_id,
  });
  if (!opened.created) return;
  const { incidents } = runtime.incidents;
  try {
    await deliverIncidentNotifications(
      { incidents, chat: incidentChat(runtime.slack), now: deps.now, logger: runtime.settings.logger },
      opened.incident.id,
      1,
    );
  } catch (error) {
    // Slack is slow or rate limiting: the queued delivery job retries with backoff.
    runtime.settings.logger.warn('incident alert not posted yet; the worker retries', { incidentId: opened.incident.id, ...errorFields(error) });
  }
  // Whoever posted it (this process or a worker that got there first), a refusal is the asker's to hear about.
  const alert = await incidents.alertDelivery(opened.incident.id);
  if (alert?.status === 'FAILED') await ctx.respond(ephemeral(incidentReplies.cannotPostAlert(opened.incident, alert.error ?? 'unknown_error')));
}

/** `/readiness incident <sev> <title> [service]`: ack at once, then open the incident and alert. */
export async function handleIncident(deps: CommandDeps, ctx: CommandContext, request: IncidentRequest): Promise<void> {
  const { config, envChannel } = deps.runtime.incidents.settings;
  await ctx.ack(incidentReplies.opening(request.severity, request.title, alertChannel(config, envChannel, ctx.payload.channel_id)));
  await deps.afterAck(() => openAndAlert(deps, ctx, request));
}
