import type { AllMiddlewareArgs, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { roleMentions } from '../../src/slack/role-mentions.ts';
import { z } from 'zod';
import { requestSignoff } from '../../src/approvals/request-signoff.ts';
import { precheckSignoff, signOff, type SignInput } from '../../src/approvals/sign-off.ts';
import type { SignoffKind } from '../../src/approvals/signoff.types.ts';
import { ids } from '../../src/slack/ids.ts';
import { messages } from '../../src/slack/messages.ts';
import { signoffNoteModal, NOTE_ACTION_ID } from '../../src/slack/views/signoff-note-modal.ts';
import type { CommandDeps } from '../command-context.ts';

const UserId = z.string().regex(/^[UW][A-Z0-9]+$/);
const ChannelId = z.string().regex(/^[CDG][A-Z0-9]+$/);
const Uuid = z.string().regex(/^[0-9a-f-]{36}$/);

const ButtonClick = z.object({
  user: z.object({ id: UserId }),
  channel: z.object({ id: ChannelId }),
  trigger_id: z.string().min(1),
  actions: z.array(z.object({ value: z.string().max(200) })).length(1),
});

/** `<requestId>/<role>` on every sign-off button. */
const RoleButtonValue = z.string().regex(/^[0-9a-f-]{36}\/[a-z0-9][a-z0-9_.-]*$/);

const NoteMetadata = z.object({ requestId: Uuid, role: z.string(), kind: z.enum(['APPROVE_WITH_CONDITIONS', 'REJECT']), channelId: ChannelId });

const ViewSubmission = z.object({
  user: z.object({ id: UserId }),
  view: z.object({
    private_metadata: z.string(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))) }),
  }),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });
type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;

function parseClick(body: unknown) {
  const click = ButtonClick.safeParse(body);
  if (!click.success) return { ok: false as const, problems: click.error.issues.map((issue) => issue.path.join('.')).join(', ') };
  return { ok: true as const, ...click.data, value: click.data.actions[0]?.value ?? '' };
}

/** "Request sign-off" on the assessment message. */
export function requestSignoffAction(deps: CommandDeps) {
  return async ({ ack, body, respond }: ActionArgs) => {
    await ack();
    const click = parseClick(body);
    if (!click.ok || !Uuid.safeParse(click.value).success) {
      await respond(ephemeral(messages.unreadableCommand(click.ok ? 'actions.0.value' : click.problems)));
      return;
    }
    const result = await requestSignoff(deps.approvals.domain, { assessmentId: click.value, requestedBy: click.user.id });
    if (!result.ok) await respond(ephemeral(messages.signoffNotRequestable(result)));
  };
}

function signInput(click: { value: string; user: { id: string } }, kind: SignoffKind): SignInput {
  const [requestId, role] = click.value.split('/') as [string, string];
  return { requestId, role, userId: click.user.id, kind, note: null };
}

/** Approve: recorded at once. */
export function approveAction(deps: CommandDeps) {
  return async ({ ack, body, respond }: ActionArgs) => {
    await ack();
    const click = parseClick(body);
    if (!click.ok || !RoleButtonValue.safeParse(click.value).success) {
      await respond(ephemeral(messages.unreadableCommand(click.ok ? 'actions.0.value' : click.problems)));
      return;
    }
    const result = await signOff(deps.approvals.domain, signInput(click, 'APPROVE'));
    if (!result.ok) await respond(ephemeral(messages.signoffRefused(result.refusal, roleMentions(deps.runtime.roles))));
  };
}

/** Approve with conditions / Reject: a modal asks for the conditions or the reason, unless the person may not sign. */
export function noteAction(deps: CommandDeps, kind: 'APPROVE_WITH_CONDITIONS' | 'REJECT') {
  return async ({ ack, body, respond, client }: ActionArgs) => {
    await ack();
    const click = parseClick(body);
    if (!click.ok || !RoleButtonValue.safeParse(click.value).success) {
      await respond(ephemeral(messages.unreadableCommand(click.ok ? 'actions.0.value' : click.problems)));
      return;
    }
    const input = signInput(click, kind);
    const refused = await precheckSignoff(deps.approvals.domain, input);
    if (refused && !refused.ok) {
      await respond(ephemeral(messages.signoffRefused(refused.refusal, roleMentions(deps.runtime.roles))));
      return;
    }
    await client.views.open({
      trigger_id: click.trigger_id,
      view: signoffNoteModal({ requestId: input.requestId, role: input.role, kind, channelId: click.channel.id }),
    });
  };
}

/** The modal's submit: an empty reason keeps it open with the error; otherwise it closes and the sign-off is recorded. */
export function noteSubmission(deps: CommandDeps) {
  return async ({ ack, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const submission = ViewSubmission.safeParse(body);
    const metadata = submission.success ? NoteMetadata.safeParse(parseJson(submission.data.view.private_metadata)) : undefined;
    if (!submission.success || !metadata?.success) {
      await ack({
        response_action: 'errors',
        errors: { [ids.blocks.signoffNoteInput]: 'Slack sent a form I could not read; close it and click the button again.' },
      });
      return;
    }
    const note = submission.data.view.state.values[ids.blocks.signoffNoteInput]?.[NOTE_ACTION_ID]?.value?.trim() ?? '';
    if (note === '') {
      await ack({
        response_action: 'errors',
        errors: { [ids.blocks.signoffNoteInput]: messages.signoffRefused({ reason: 'note_required' }, () => '') },
      });
      return;
    }
    await ack();
    const { requestId, role, kind, channelId } = metadata.data;
    const userId = submission.data.user.id;
    const result = await signOff(deps.approvals.domain, { requestId, role, userId, kind, note });
    if (!result.ok) {
      await client.chat.postEphemeral({
        channel: channelId,
        user: userId,
        text: messages.signoffRefused(result.refusal, roleMentions(deps.runtime.roles)),
      });
    }
  };
}
