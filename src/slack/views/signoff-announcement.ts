import type { SignoffOutcome } from '../../approvals/progress.ts';
import type { SignoffRequestView } from '../../approvals/signoff.types.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import type { SlackMessage } from './assessment-message.ts';

/** The thread reply that announces a decision: what was decided, why, and every condition attached to it. */
export function renderDecisionAnnouncement(request: SignoffRequestView, outcome: SignoffOutcome): SlackMessage {
  const target = `${escapeText(request.service)} → ${escapeText(request.environment)}`;
  let text: string;
  if (outcome.kind === 'rejected') {
    const { rejection } = outcome;
    text = `:red_circle: *Decision: NO-GO* for ${target}. ${mentionUser(rejection.userId)} (${escapeText(rejection.role)}) rejected it: “${escapeText(
      truncate(rejection.note ?? '', 1500),
    )}”. It stays NO-GO until a new assessment.`;
  } else if (outcome.kind === 'approved') {
    const word = outcome.decision === 'GO' ? ':large_green_circle: *Decision: GO*' : ':large_yellow_circle: *Decision: GO WITH CAUTION*';
    const conditions = outcome.conditions.map(
      (condition) => `• ${escapeText(condition.role)} (${mentionUser(condition.userId)}): ${escapeText(truncate(condition.text, 500))}`,
    );
    const why = request.verdict === 'GO_WITH_CAUTION' ? ' The assessment itself was GO WITH CAUTION.' : '';
    text = `${word} for ${target} — every required sign-off is in. ${mentionUser(request.requestedBy)}${why}${conditions.length > 0 ? `\n*Conditions:*\n${conditions.join('\n')}` : ''}`;
  } else {
    text = `Sign-off for ${target} is still waiting for ${outcome.missing.map((requirement) => escapeText(requirement.role)).join(', ')}.`;
  }
  return { text: truncate(text, 3000), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } }] };
}

/** The loud thread reply (broadcast to the channel) that announces an override. */
export function renderOverrideAnnouncement(request: SignoffRequestView): SlackMessage {
  const text =
    `:rotating_light: *OVERRIDE: decision GO* for ${escapeText(request.service)} → ${escapeText(request.environment)} by ${mentionUser(request.overriddenBy ?? '')}, ` +
    `over a verdict of ${request.verdict.replaceAll('_', ' ')}. Justification: “${escapeText(truncate(request.decisionReason ?? '', 1500))}”. This is recorded in the audit trail.`;
  return { text: truncate(text, 3000), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } }] };
}
