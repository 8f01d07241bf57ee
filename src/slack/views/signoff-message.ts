import { evaluateSignoffs, type RequirementProgress } from '../../approvals/progress.ts';
import type { SignoffRecord, SignoffRequestView } from '../../approvals/signoff.types.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { ids } from '../ids.ts';
import { button } from './block-elements.ts';
import type { SlackMessage } from './assessment-message.ts';
import { DECISION_WORD } from './decision-word.ts';

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

// Slack allows 50 blocks; each role takes two, the status and footer two more.
const MAX_ROLES_SHOWN = 20;

function signoffLine(signoff: SignoffRecord): string {
  const what =
    signoff.kind === 'APPROVE'
      ? ':white_check_mark: approved'
      : signoff.kind === 'APPROVE_WITH_CONDITIONS'
        ? ':ballot_box_with_check: approved with conditions'
        : ':x: rejected';
  const carried = signoff.carriedFromId ? ' · _carried over: the results this role covers did not change_' : '';
  const note = signoff.note ? `: “${escapeText(truncate(signoff.note, 300))}”` : '';
  return `${what} by ${mentionUser(signoff.userId)} at ${utc(signoff.signedAt)}${note}${carried}`;
}

function statusLine(request: SignoffRequestView): string {
  const target = `*${escapeText(request.service)}* → *${escapeText(request.environment)}*`;
  switch (request.status) {
    case 'PENDING':
      return `:ballot_box_with_check: *Sign-off requested* for ${target} by ${mentionUser(request.requestedBy)} · verdict ${DECISION_WORD[request.verdict]} · expires ${utc(request.expiresAt)}`;
    case 'APPROVED': {
      const decision = request.decision ?? 'GO';
      const icon = decision === 'GO' ? ':large_green_circle:' : ':large_yellow_circle:';
      const conditions = request.decisionReason ? `\n*Conditions:* ${escapeText(truncate(request.decisionReason, 1500))}` : '';
      return `${icon} *Decision: ${DECISION_WORD[decision]}* for ${target} — every required sign-off is in.${conditions}`;
    }
    case 'REJECTED':
      return `:red_circle: *Decision: NO-GO* for ${target} — rejected: ${escapeText(truncate(request.decisionReason ?? 'no reason given', 1500))}. It stays NO-GO until a new assessment.`;
    case 'EXPIRED':
      return `:hourglass: *Expired* at ${utc(request.expiresAt)} before every sign-off was in. Run \`/readiness run ${escapeText(request.service)} ${escapeText(request.environment)}\` to start again.`;
    case 'STALE':
      return `:warning: *Stale* — a newer assessment of ${target} replaced this one${request.staleSince ? ` at ${utc(request.staleSince)}` : ''}. Sign-offs whose results did not change carry over to its request.`;
    case 'OVERRIDDEN':
      return `:rotating_light: *OVERRIDE — Decision: GO* for ${target} by ${mentionUser(request.overriddenBy ?? '')}. Justification: “${escapeText(truncate(request.decisionReason ?? '', 1500))}”`;
  }
}

function roleText(requirement: RequirementProgress, request: SignoffRequestView, who: (role: string) => string): string {
  const covers = requirement.covers.length > 0 ? requirement.covers.map(escapeText).join(', ') : 'the whole assessment';
  const header = `*${escapeText(requirement.role)}* — ${requirement.approvals.length} of ${requirement.count} · signs for ${covers}`;
  const lines = request.signoffs.filter((signoff) => signoff.role === requirement.role).map(signoffLine);
  if (!requirement.satisfied && request.status === 'PENDING') lines.push(`:hourglass_flowing_sand: waiting for ${who(requirement.role)}`);
  return truncate([header, ...lines].join('\n'), 3000);
}

/** The sign-off message in the assessment's thread, as a pure function of the request. */
export function renderSignoffMessage(request: SignoffRequestView, who: (role: string) => string): SlackMessage {
  const { requirements } = evaluateSignoffs(request.requirements, request.signoffs, request.verdict);
  const blocks: Record<string, unknown>[] = [
    { type: 'section', block_id: ids.blocks.signoffStatus, text: { type: 'mrkdwn', text: truncate(statusLine(request), 3000) } },
  ];
  for (const requirement of requirements.slice(0, MAX_ROLES_SHOWN)) {
    blocks.push({
      type: 'section',
      block_id: `${ids.blocks.signoffRolePrefix}${requirement.role}`,
      text: { type: 'mrkdwn', text: roleText(requirement, request, who) },
    });
    if (request.status === 'PENDING' && !requirement.satisfied) {
      const value = `${request.id}/${requirement.role}`;
      blocks.push({
        type: 'actions',
        block_id: `${ids.blocks.signoffButtonsPrefix}${requirement.role}`,
        elements: [
          button(ids.actions.approve, 'Approve', value, 'primary'),
          button(ids.actions.approveWithConditions, 'Approve with conditions', value),
          button(ids.actions.reject, 'Reject', value, 'danger'),
        ],
      });
    }
  }
  blocks.push({
    type: 'context',
    block_id: ids.blocks.signoffFooter,
    elements: [{ type: 'mrkdwn', text: `Sign-off \`${request.id.slice(0, 8)}\` for assessment \`${request.assessmentId.slice(0, 8)}\`` }],
  });
  const word =
    request.status === 'PENDING'
      ? 'sign-off requested'
      : request.status === 'OVERRIDDEN'
        ? 'OVERRIDE: GO'
        : `${request.status.toLowerCase()}${request.decision ? `: ${DECISION_WORD[request.decision]}` : ''}`;
  return { text: `Sign-off for ${request.service} → ${request.environment}: ${word}`, blocks };
}
