import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { changeSeverity } from '../../src/incidents/change-severity.ts';
import { INCIDENT_SEVERITIES } from '../../src/incidents/incident-config.ts';
import { isMoreSevere } from '../../src/incidents/severity-policy.ts';
import { ids } from '../../src/slack/ids.ts';
import { incidentRefusal, incidentReplies } from '../../src/slack/views/incident-replies.ts';
import { LOWER_REASON_MAX } from '../../src/slack/views/incident-lower-modal.ts';
import type { CommandDeps } from '../command-context.ts';
import { accessRefusal, incidentAccess } from './incident-access.ts';

const Severity = z.enum(INCIDENT_SEVERITIES);

/** The modal's private_metadata: `<incidentId>/<from>/<to>`, as the Lower click saw the incident. Never trusted alone. */
export const LowerModalMetadata = z
  .string()
  .transform((value) => value.split('/'))
  .pipe(z.tuple([z.uuid(), Severity, Severity]))
  .refine(([, from, to]) => isMoreSevere(from, to), 'the change must lower the severity');

const LowerSubmission = z.object({
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]+$/) }),
  view: z.object({
    private_metadata: LowerModalMetadata,
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))) }),
  }),
});

/**
 * The Lower modal's submission. Everything is decided again from the database: the incident is looked up, the
 * permission checked, and the change guarded on the severity the person saw, so a modal left open while someone
 * else changed the severity lowers nothing.
 */
export function lowerSeveritySubmission(deps: CommandDeps) {
  return async ({ ack, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const submission = LowerSubmission.safeParse(body);
    if (!submission.success) {
      await ack({
        response_action: 'errors',
        errors: { [ids.incident.lowerReasonBlock]: 'Slack sent a form I could not read; close it and click Lower again.' },
      });
      return;
    }
    const reason = submission.data.view.state.values[ids.incident.lowerReasonBlock]?.[ids.incident.lowerReasonInput]?.value?.trim() ?? '';
    if (reason.length < 3 || reason.length > LOWER_REASON_MAX) {
      await ack({ response_action: 'errors', errors: { [ids.incident.lowerReasonBlock]: incidentReplies.lowerReasonTooShort } });
      return;
    }
    await ack();
    const userId = submission.data.user.id;
    const [incidentId, from, to] = submission.data.view.private_metadata;
    const access = await incidentAccess(deps, { incidentId, userId, action: 'lowerSeverity' });
    if (!access.ok) {
      if (access.reason === 'not_permitted')
        await client.chat.postEphemeral({ channel: access.incident.channelId, user: userId, text: accessRefusal(access) });
      return;
    }
    const result = await changeSeverity(deps.runtime.incidents, { incidentId, from, to, by: userId, reason });
    if (result.ok || !result.incident) return;
    const stale = result.reason === 'stale' || result.reason === 'same';
    const text = stale ? incidentReplies.staleSeverity(result.incident) : incidentRefusal(result.reason, result.incident);
    await client.chat.postEphemeral({ channel: result.incident.channelId, user: userId, text });
  };
}
