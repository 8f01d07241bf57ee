import type { AllMiddlewareArgs, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { acknowledgeIncident } from '../../src/incidents/acknowledge-incident.ts';
import { changeSeverity } from '../../src/incidents/change-severity.ts';
import { escalateIncident } from '../../src/incidents/escalate-incident.ts';
import { INCIDENT_SEVERITIES } from '../../src/incidents/incident-config.ts';
import { resolveIncident } from '../../src/incidents/resolve-incident.ts';
import { isMoreSevere } from '../../src/incidents/severity-policy.ts';
import { ids } from '../../src/slack/ids.ts';
import { messages } from '../../src/slack/messages.ts';
import { renderLowerSeverityModal } from '../../src/slack/views/incident-lower-modal.ts';
import { incidentRefusal, incidentReplies } from '../../src/slack/views/incident-replies.ts';
import { renderResolveModal } from '../../src/slack/views/incident-resolve-modal.ts';
import type { CommandDeps } from '../command-context.ts';
import type { InteractionListeners } from '../interaction-listeners.ts';
import { accessRefusal, incidentAccess } from './incident-access.ts';
import { lowerSeveritySubmission } from './incident-lower-severity.ts';

const UserId = z.string().regex(/^[UW][A-Z0-9]+$/);
const IncidentId = z.uuid();
const Count = z.string().transform(Number).pipe(z.number().int().min(0));
const Severity = z.enum(INCIDENT_SEVERITIES);

const Click = z.object({
  user: z.object({ id: UserId }),
  trigger_id: z.string().min(1),
  actions: z.array(z.object({ value: z.string().max(200) })).length(1),
});

/** `<incidentId>/<plan>/<level>/<round>`: the step the alert showed, so a stale or double click escalates once. */
const EscalateValue = z
  .string()
  .regex(/^[0-9a-f-]{36}\/\d{1,4}\/\d{1,4}\/\d{1,4}$/)
  .transform((value) => value.split('/'))
  .pipe(z.tuple([IncidentId, Count, Count, Count]));

/** `<incidentId>/<from>/<to>`: a click on a button showing an old severity changes nothing. */
const SeverityValue = z
  .string()
  .transform((value) => value.split('/'))
  .pipe(z.tuple([IncidentId, Severity, Severity]));

const ResolveSubmission = z.object({
  user: z.object({ id: UserId }),
  view: z.object({
    private_metadata: IncidentId,
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))) }),
  }),
});

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });
type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;

/** A button's payload and its value parsed with `value`; on failure the user is told and undefined returned. */
async function readClick<T>(args: ActionArgs, value: z.ZodType<T>) {
  const click = Click.safeParse(args.body);
  const parsed = click.success ? value.safeParse(click.data.actions[0]?.value) : undefined;
  if (!click.success || !parsed?.success) {
    const problems = click.success ? 'actions.0.value' : click.error.issues.map((issue) => issue.path.join('.')).join(', ');
    await args.respond(ephemeral(messages.unreadableCommand(problems)));
    return undefined;
  }
  return { user: click.data.user.id, triggerId: click.data.trigger_id, value: parsed.data };
}

function acknowledgeAction(deps: CommandDeps) {
  return async (args: ActionArgs) => {
    await args.ack();
    const click = await readClick(args, IncidentId);
    if (!click) return;
    const access = await incidentAccess(deps, { incidentId: click.value, userId: click.user, action: 'acknowledge' });
    if (!access.ok) {
      await args.respond(ephemeral(accessRefusal(access)));
      return;
    }
    const result = await acknowledgeIncident(deps.runtime.incidents, { incidentId: click.value, by: click.user });
    if (!result.ok) await args.respond(ephemeral(incidentRefusal(result.reason, result.incident)));
  };
}

function escalateAction(deps: CommandDeps) {
  return async (args: ActionArgs) => {
    await args.ack();
    const click = await readClick(args, EscalateValue);
    if (!click) return;
    const [incidentId, plan, level, round] = click.value;
    const access = await incidentAccess(deps, { incidentId, userId: click.user, action: 'escalate' });
    if (!access.ok) {
      await args.respond(ephemeral(accessRefusal(access)));
      return;
    }
    const result = await escalateIncident(deps.runtime.incidents, {
      incidentId,
      trigger: 'manual',
      by: click.user,
      expected: { plan, level, round },
    });
    if (!result.ok) await args.respond(ephemeral(incidentRefusal(result.reason, result.incident)));
  };
}

function severityAction(deps: CommandDeps) {
  return async (args: ActionArgs) => {
    await args.ack();
    const click = await readClick(args, SeverityValue);
    if (!click) return;
    const [incidentId, from, to] = click.value;
    // The values decide which rule applies, not the button's id: a forged Raise that lowers is still a lowering.
    const lowering = isMoreSevere(from, to);
    const access = await incidentAccess(deps, { incidentId, userId: click.user, action: lowering ? 'lowerSeverity' : 'raiseSeverity' });
    if (!access.ok) {
      await args.respond(ephemeral(accessRefusal(access)));
      return;
    }
    if (lowering) {
      // A lowering asks why first; the submission re-checks everything (commands/actions/incident-lower-severity.ts).
      const { incident } = access;
      if (incident.status === 'RESOLVED' || incident.severity !== from) {
        const resolved = incident.status === 'RESOLVED';
        await args.respond(ephemeral(resolved ? incidentReplies.alreadyResolved(incident) : incidentReplies.staleSeverity(incident)));
        return;
      }
      await args.client.views.open({ trigger_id: click.triggerId, view: renderLowerSeverityModal(incident, to) });
      return;
    }
    const result = await changeSeverity(deps.runtime.incidents, { incidentId, from, to, by: click.user });
    if (result.ok) return;
    const stale = result.reason === 'stale' || result.reason === 'same';
    await args.respond(ephemeral(stale ? incidentReplies.staleSeverity(result.incident) : incidentRefusal(result.reason, result.incident)));
  };
}

/** Resolve asks for a short summary first; the modal must open within Slack's 3 s of the click. */
function resolveAction(deps: CommandDeps) {
  return async (args: ActionArgs) => {
    await args.ack();
    const click = await readClick(args, IncidentId);
    if (!click) return;
    const access = await incidentAccess(deps, { incidentId: click.value, userId: click.user, action: 'resolve' });
    if (!access.ok) {
      await args.respond(ephemeral(accessRefusal(access)));
      return;
    }
    const { incident } = access;
    if (incident.status === 'RESOLVED') {
      await args.respond(ephemeral(incidentReplies.alreadyResolved(incident)));
      return;
    }
    await args.client.views.open({ trigger_id: click.triggerId, view: renderResolveModal(incident) });
  };
}

function resolveSubmission(deps: CommandDeps) {
  return async ({ ack, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const submission = ResolveSubmission.safeParse(body);
    if (!submission.success) {
      await ack({
        response_action: 'errors',
        errors: { [ids.incident.summaryBlock]: 'Slack sent a form I could not read; close it and click Resolve again.' },
      });
      return;
    }
    const summary = submission.data.view.state.values[ids.incident.summaryBlock]?.[ids.incident.summaryInput]?.value?.trim() ?? '';
    if (summary.length < 3) {
      await ack({ response_action: 'errors', errors: { [ids.incident.summaryBlock]: incidentReplies.summaryTooShort } });
      return;
    }
    await ack();
    const userId = submission.data.user.id;
    // The modal proves nothing: the permission is checked again on submit.
    const access = await incidentAccess(deps, { incidentId: submission.data.view.private_metadata, userId, action: 'resolve' });
    if (!access.ok) {
      if (access.reason === 'not_permitted')
        await client.chat.postEphemeral({ channel: access.incident.channelId, user: userId, text: accessRefusal(access) });
      return;
    }
    const result = await resolveIncident(deps.runtime.incidents, { incidentId: submission.data.view.private_metadata, by: userId, summary });
    if (!result.ok && result.incident) {
      await client.chat.postEphemeral({ channel: result.incident.channelId, user: userId, text: incidentRefusal(result.reason, result.incident) });
    }
  };
}

/** The alert's buttons (and the page DM's Acknowledge), the resolve modal and the lower-severity modal; every one authorized. */
export function registerIncidentActions(on: InteractionListeners, deps: CommandDeps): void {
  on.action(ids.incident.acknowledge, acknowledgeAction(deps));
  on.action(ids.incident.escalate, escalateAction(deps));
  on.action(ids.incident.raise, severityAction(deps));
  on.action(ids.incident.lower, severityAction(deps));
  on.action(ids.incident.resolve, resolveAction(deps));
  on.view(ids.incident.resolveModal, resolveSubmission(deps));
  on.view(ids.incident.lowerModal, lowerSeveritySubmission(deps));
}
