import type { Unavailable } from '../assessments/start-assessment.ts';
import type { NameRole } from './role-mentions.ts';
import type { AttestRefusal } from '../assessments/attest-check.ts';
import type { SignRefusal } from '../approvals/authorize.ts';
import type { RequestSignoffResult } from '../approvals/request-signoff.ts';
import type { OverrideResult } from '../approvals/override.ts';
import type { ResolvedReference } from '../assessments/resolve-reference.ts';
import { redactText } from '../secrets/redact.ts';
import { escapeText, mentionUser, truncate } from './escape.ts';

/** Every sentence Readiness says to a user about a refusal or failure, in one place. */
export const messages = {
  assessing: (service: string, environment: string) =>
    `:hourglass_flowing_sand: Assessing *${service}* in *${environment}* — the result will appear in this channel.`,
  unknownButton: (actionId: string) =>
    `That button (\`${escapeText(truncate(actionId, 60))}\`) is not one Readiness answers, perhaps from an older version of the message. Nothing was done; use \`/readiness help\` to find what you meant.`,
  unreadableCommand: (problems: string) =>
    `Slack sent a command I could not read (${escapeText(truncate(problems, 200))}). Please try again; if it keeps happening, tell your Readiness admins.`,
  unavailable: (dependency: Unavailable, detail: string) =>
    `:warning: Readiness is temporarily unavailable: ${dependency === 'database' ? 'its database' : 'its job queue (Redis)'} is not answering ` +
    // The detail is a driver's error text: it may carry a connection string.
    `(${escapeText(truncate(redactText(detail), 200))}). Nothing was started; please try again in a minute.`,
  cannotPost: (slackError: string) =>
    slackError === 'not_in_channel' || slackError === 'channel_not_found'
      ? `I cannot post in this channel (${slackError}). Invite me with \`/invite @Readiness\` and run the command again.`
      : `Slack refused my message (${escapeText(slackError)}). The assessment is running, but I cannot show it here.`,
  attestRefused: (refusal: AttestRefusal, who: NameRole) => {
    switch (refusal.reason) {
      case 'not_found':
        return 'That assessment or check no longer exists, so there is nothing to attest.';
      case 'not_manual':
        return `*${escapeText(refusal.checkName)}* is measured automatically; it cannot be attested.`;
      case 'assessment_failed':
        return 'This assessment could not finish, so its checks can no longer be attested. Run a new assessment.';
      case 'already_attested':
        return `*${escapeText(refusal.checkName)}* is already attested${refusal.attestedBy ? ` by ${mentionUser(refusal.attestedBy)}` : ''}${
          refusal.attestedAt ? ` at ${refusal.attestedAt}` : ''
        }. Nothing changed.`;
      case 'not_member':
        return `Only members of the *${escapeText(refusal.role)}* role may attest *${escapeText(refusal.checkName)}*: ${who(refusal.role)}. Ask one of them.`;
    }
  },
  signoffRefused: (refusal: SignRefusal | { reason: 'not_found' }, who: (role: string) => string) => {
    switch (refusal.reason) {
      case 'not_found':
        return 'That sign-off request no longer exists, so nothing was recorded.';
      case 'not_open':
        return refusal.override
          ? 'This request was overridden to GO; sign-offs are closed. Nothing changed.'
          : {
              PENDING: 'This request is still open.',
              APPROVED: 'Every required sign-off is already in and the decision is made. Nothing changed.',
              REJECTED: 'This request was rejected, so the decision is NO-GO until a new assessment. Nothing changed.',
              EXPIRED: 'This request expired. Run a new assessment to ask for sign-off again. Nothing changed.',
              STALE:
                'This request is stale: a newer assessment of the same service and environment replaced it. Sign on the newest one. Nothing changed.',
              OVERRIDDEN: 'This request was overridden; sign-offs are closed. Nothing changed.',
            }[refusal.status];
      case 'expired':
        return 'This request has expired. Run a new assessment to ask for sign-off again. Nothing changed.';
      case 'role_not_required':
        return `*${escapeText(refusal.role)}* is not a sign-off this request needs. Nothing changed.`;
      case 'not_member':
        return `Only members of *${escapeText(refusal.role)}* can sign for it: ${who(refusal.role)}. Nothing changed.`;
      case 'self_approval':
        return 'You asked for this sign-off, so you cannot approve it yourself: this environment does not allow self-approval. Ask another member of the role.';
      case 'already_signed':
        return `You already signed for *${escapeText(refusal.role)}* on this request. Nothing changed.`;
      case 'role_complete':
        return `*${escapeText(refusal.role)}* is already signed by ${refusal.by.map(mentionUser).join(', ')}. Nothing changed.`;
      case 'note_required':
        return 'Say why: conditions and rejections need a reason.';
      case 'assessment_requester':
        return 'Separation of duties: you asked for this assessment, so you cannot approve it. Ask another member of the role. Nothing changed.';
      case 'one_role_per_person':
        return `Separation of duties: you already approved this assessment as *${escapeText(refusal.role)}*, and one person counts for one role. Ask another member of the role. Nothing changed.`;
    }
  },
  signoffNotRequestable: (result: Exclude<RequestSignoffResult, { ok: true }>) => {
    switch (result.reason) {
      case 'not_found':
        return 'That assessment no longer exists.';
      case 'not_completed':
        return 'The assessment has not finished yet; ask for sign-off once it shows its verdict.';
      case 'no_policy':
        return 'This environment has no sign-off policy (`signoff:` in readiness.yaml), so there is nothing to sign.';
      case 'no_message':
        return 'The assessment message is not posted yet; try again in a moment.';
      case 'not_eligible':
        return `A ${result.verdict.replaceAll('_', ' ')} verdict cannot ask for sign-off here (allowed: ${result.eligible.join(', ').replaceAll('_', ' ')}). Fix the blockers and assess again, or ask the override role for \`/readiness override\`.`;
    }
  },
  overrideChecking: (typed: string) => `Checking that you may override assessment \`${escapeText(truncate(typed, 40))}\`…`,
  overrideAnswer: (result: OverrideResult, who: (role: string) => string) => {
    if (result.ok) {
      return `:rotating_light: Recorded: the decision for *${escapeText(result.request.service)} → ${escapeText(result.request.environment)}* is now GO, flagged as your override, with your justification. The thread and the channel have been told.`;
    }
    switch (result.reason) {
      case 'not_found':
        return 'That assessment no longer exists. Nothing changed.';
      case 'not_completed':
        return 'That assessment has no verdict yet (it is running or could not finish); there is nothing to override. Nothing changed.';
      case 'no_message':
        return 'That assessment has no message in Slack yet; try again in a moment. Nothing changed.';
      case 'stale':
        return 'A newer assessment of the same service and environment replaced this one; override the newest one if you must. Nothing changed.';
      case 'already_overridden':
        return 'This assessment is already overridden. Nothing changed.';
      case 'already_go':
        return 'Every sign-off is in and the decision is already GO; there is nothing to override. Nothing changed.';
      case 'no_override_role':
        return `Nobody may override in *${escapeText(result.service)} → ${escapeText(result.environment)}*: its sign-off policy names no \`overrideRole\`. Nothing changed.`;
      case 'not_member':
        return `Only members of *${escapeText(result.role)}* may override here: ${who(result.role)}. Nothing changed.`;
    }
  },
  assessmentNotResolved: (result: Exclude<ResolvedReference, { ok: true }>, typed: string, subcommand: string) => {
    if (result.reason === 'not_found') {
      return `There is no assessment \`${escapeText(truncate(typed, 40))}\`. Use the 8-character id from the footer of an assessment message or its full id.`;
    }
    const lines = result.candidates.map(
      (candidate) =>
        `• *${escapeText(candidate.service)} → ${escapeText(candidate.environment)}*, ${candidate.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC: \`${candidate.id}\``,
    );
    if (result.more) lines.push('• …and more');
    return `\`${escapeText(truncate(typed, 40))}\` matches more than one assessment:\n${lines.join('\n')}\nRun \`/readiness ${subcommand}\` again with the full id of the one you mean.`;
  },
  unexpected: (reference: string) =>
    `:warning: Something went wrong on our side and nothing was changed. Reference \`${reference}\` — please try again, and tell your Readiness admins if it persists.`,
};
