import { evaluateSignoffs, type RequirementProgress } from '../../approvals/progress.ts';
import type { SignoffRecord, SignoffRequestView } from '../../approvals/signoff.types.ts';
import type { LatestAssessment, StatusSnapshot } from '../../status/status.types.ts';
import { escapeText, mentionUser, truncate } from '../escape.ts';
import { displayScore, type SlackMessage } from './assessment-message.ts';
import { decisionWord, fitLines, oneLine, shortRef, targetText, untilText, utcMinute } from './status-format.ts';

// Slack allows 50 blocks: assessment, decision, sign-off header, expiry, earlier sign-off and footer take six.
const MAX_ROLES_SHOWN = 30;
const MAX_MISSING_LISTED = 10;
const NOTE_CHARS = 300;

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] });

const VERDICT_ICON: Record<string, string> = { GO: ':large_green_circle:', GO_WITH_CAUTION: ':large_yellow_circle:', NO_GO: ':red_circle:' };
const icon = (verdict: string) => VERDICT_ICON[verdict] ?? ':white_circle:';
const quoted = (text: string) => `“${escapeText(truncate(oneLine(text), NOTE_CHARS))}”`;
const runCommand = (snapshot: StatusSnapshot) => `\`/readiness run ${escapeText(snapshot.service)} ${escapeText(snapshot.environment)}\``;

function assessmentText(snapshot: StatusSnapshot, assessment: LatestAssessment): string {
  const head = `:clipboard: ${targetText(snapshot.service, snapshot.environment)} — latest assessment ${shortRef(assessment.id)}, requested by ${mentionUser(assessment.requestedBy)} at ${utcMinute(assessment.createdAt)}`;
  switch (assessment.status) {
    case 'QUEUED':
    case 'RUNNING':
      return `${head}\n:hourglass_flowing_sand: *running* — ${assessment.checksDone} of ${assessment.checksTotal} checks done`;
    case 'FAILED': {
      const why = assessment.failureReason ? `: ${escapeText(truncate(oneLine(assessment.failureReason), 500))}` : '';
      return `${head}\n:warning: *could not finish*${why}. Run ${runCommand(snapshot)} to assess again.`;
    }
    case 'UNASSESSABLE': {
      const why = assessment.failureReason ? `: ${escapeText(truncate(oneLine(assessment.failureReason), 500))}` : '';
      return `${head}\n:grey_question: *could not assess* — no verdict, our own infrastructure failed${why}. Run ${runCommand(snapshot)} to assess again.`;
    }
    case 'COMPLETED': {
      const verdict = assessment.verdict ?? 'NO_GO';
      const score = assessment.score === null ? '' : `, score ${displayScore(assessment.score)} / 100`;
      return `${head}\n${icon(verdict)} verdict *${decisionWord(verdict)}*${score} (finished ${utcMinute(assessment.completedAt ?? assessment.createdAt)})`;
    }
  }
}

function missingText(missing: readonly RequirementProgress[], who: (role: string) => string): string {
  const listed = missing.slice(0, MAX_MISSING_LISTED).map((requirement) => {
    const needed = requirement.count - requirement.approvals.length;
    return `*${escapeText(requirement.role)}* (${needed} more: ${who(requirement.role)})`;
  });
  const more = missing.length > MAX_MISSING_LISTED ? ` and ${missing.length - MAX_MISSING_LISTED} more roles` : '';
  return `${listed.join(', ')}${more}`;
}

/** The decision a sign-off request led to, or why there is none. */
function requestDecisionText(request: SignoffRequestView, who: (role: string) => string): string {
  if (request.override || request.status === 'OVERRIDDEN') {
    const when = request.decidedAt ? ` at ${utcMinute(request.decidedAt)}` : '';
    return `:rotating_light: *OVERRIDE — decision GO* by ${mentionUser(request.overriddenBy ?? '')}${when}, not by the sign-offs. Justification: ${quoted(request.decisionReason ?? '')}`;
  }
  const { requirements, outcome } = evaluateSignoffs(request.requirements, request.signoffs, request.verdict);
  switch (request.status) {
    case 'APPROVED': {
      if ((request.decision ?? 'GO') === 'GO') return ':large_green_circle: *Decision: GO* — every required sign-off is in.';
      const conditions = outcome.kind === 'approved' ? outcome.conditions : [];
      if (conditions.length === 0) {
        const reason = request.decisionReason ? `, with conditions: ${quoted(request.decisionReason)}` : '; the verdict itself was cautious';
        return `:large_yellow_circle: *Decision: GO WITH CAUTION* — every required sign-off is in${reason}.`;
      }
      const lines = conditions.map((condition) => `• *${escapeText(condition.role)}* (${mentionUser(condition.userId)}): ${quoted(condition.text)}`);
      return fitLines([':large_yellow_circle: *Decision: GO WITH CAUTION* — every required sign-off is in, with conditions:', ...lines]);
    }
    case 'REJECTED': {
      const rejection = outcome.kind === 'rejected' ? outcome.rejection : request.signoffs.find((signoff) => signoff.kind === 'REJECT');
      const by = rejection ? ` by ${mentionUser(rejection.userId)} as *${escapeText(rejection.role)}*` : '';
      return `:red_circle: *Decision: NO-GO* — rejected${by}: ${quoted(rejection?.note ?? request.decisionReason ?? 'no reason given')}. It stays NO-GO until a new assessment.`;
    }
    case 'PENDING': {
      const missing = requirements.filter((requirement) => !requirement.satisfied);
      return `:ballot_box_with_check: *Decision pending* — still to sign: ${missingText(missing, who)}`;
    }
    case 'EXPIRED':
      return `:hourglass: *No decision* — the sign-off request expired before every sign-off was in. Run \`/readiness run ${escapeText(request.service)} ${escapeText(request.environment)}\` to start again.`;
    case 'STALE':
      return ':warning: *No decision* — a newer assessment replaced this sign-off request.';
  }
}

/** The decision when the latest assessment has no sign-off request: the verdict itself, or what is still needed. */
function decisionText(snapshot: StatusSnapshot, assessment: LatestAssessment, who: (role: string) => string): string {
  if (snapshot.request) return requestDecisionText(snapshot.request, who);
  if (assessment.status === 'FAILED') return '*Decision:* none — the assessment could not finish, so there is no verdict to decide on.';
  if (assessment.status === 'UNASSESSABLE')
    return '*Decision:* none — the assessment could not assess the service, so there is no verdict to decide on.';
  if (assessment.status !== 'COMPLETED' || assessment.verdict === null) return '*Decision:* none yet — the assessment has no verdict yet.';
  const verdict = assessment.verdict;
  const { policy } = snapshot;
  if (!policy) return `${icon(verdict)} *Decision: ${decisionWord(verdict)}* — this environment needs no sign-off, so the verdict is the decision.`;
  if (policy.eligibleVerdicts.includes(verdict)) {
    return ':ballot_box_with_check: *Decision pending* — nobody has asked for sign-off yet: click *Request sign-off* on the assessment message.';
  }
  const override = policy.overrideRole
    ? ` Members of *${escapeText(policy.overrideRole)}* may override it with \`/readiness override ${escapeText(assessment.id.slice(0, 8))} &lt;justification&gt;\`.`
    : '';
  if (verdict === 'NO_GO')
    return `:red_circle: *Decision: NO-GO* — a NO-GO verdict cannot ask for sign-off here; fix the blockers and assess again.${override}`;
  const allowed = policy.eligibleVerdicts.map(decisionWord).join(', ');
  return `*Decision:* none — a ${decisionWord(verdict)} verdict cannot ask for sign-off here (allowed: ${allowed}).${override}`;
}

const STATUS_WORD: Record<SignoffRequestView['status'], string> = {
  PENDING: 'open',
  APPROVED: 'approved',
  REJECTED: 'rejected',
  EXPIRED: 'expired',
  STALE: 'stale',
  OVERRIDDEN: 'overridden',
};

function signoffLine(signoff: SignoffRecord): string {
  const what =
    signoff.kind === 'APPROVE'
      ? ':white_check_mark: approved'
      : signoff.kind === 'APPROVE_WITH_CONDITIONS'
        ? ':ballot_box_with_check: approved with conditions'
        : ':x: rejected';
  const note = signoff.note ? `: ${quoted(signoff.note)}` : '';
  const carried = signoff.carriedFromId ? ' · _carried over from an earlier request: the results this role covers did not change_' : '';
  return `${what} by ${mentionUser(signoff.userId)} at ${utcMinute(signoff.signedAt)}${note}${carried}`;
}

function roleText(requirement: RequirementProgress, request: SignoffRequestView, who: (role: string) => string): string {
  const covers = requirement.covers.length > 0 ? requirement.covers.map(escapeText).join(', ') : 'the whole assessment';
  const lines = [`*${escapeText(requirement.role)}* — ${requirement.approvals.length} of ${requirement.count} · signs for ${covers}`];
  lines.push(...request.signoffs.filter((signoff) => signoff.role === requirement.role).map(signoffLine));
  const needed = requirement.count - requirement.approvals.length;
  if (needed > 0) {
    lines.push(
      request.status === 'PENDING'
        ? `:hourglass_flowing_sand: still missing ${needed}: ${who(requirement.role)}`
        : `:heavy_minus_sign: ${needed} never signed`,
    );
  }
  return fitLines(lines);
}

function expiryText(request: SignoffRequestView, now: Date): string {
  switch (request.status) {
    case 'PENDING':
      return request.expiresAt.getTime() > now.getTime()
        ? `:alarm_clock: The request expires ${utcMinute(request.expiresAt)} (in ${untilText(now, request.expiresAt)}).`
        : `:alarm_clock: The request was due to expire ${utcMinute(request.expiresAt)}; it is being closed.`;
    case 'EXPIRED':
      return `:hourglass: The request expired ${utcMinute(request.decidedAt ?? request.expiresAt)}.`;
    case 'STALE':
      return `:warning: Stale since ${utcMinute(request.staleSince ?? request.decidedAt ?? request.createdAt)}.`;
    case 'OVERRIDDEN':
      return `:rotating_light: Overridden ${utcMinute(request.decidedAt ?? request.createdAt)}.`;
    case 'APPROVED':
    case 'REJECTED':
      return `Decided ${utcMinute(request.decidedAt ?? request.createdAt)}.`;
  }
}

function earlierSignoffText(previous: SignoffRequestView): string {
  const decision = previous.override
    ? ':rotating_light: *OVERRIDE — decision GO*'
    : previous.status === 'APPROVED' || previous.status === 'REJECTED'
      ? `decision *${decisionWord(previous.decision ?? (previous.status === 'REJECTED' ? 'NO_GO' : 'GO'))}*`
      : STATUS_WORD[previous.status];
  return `:information_source: The sign-off of the earlier assessment ${shortRef(previous.assessmentId)} (requested ${utcMinute(previous.createdAt)}): ${decision}.`;
}

function fallbackText(snapshot: StatusSnapshot, assessment: LatestAssessment): string {
  const target = `${escapeText(snapshot.service)} → ${escapeText(snapshot.environment)}`;
  const state =
    assessment.status === 'COMPLETED'
      ? decisionWord(assessment.verdict ?? 'NO_GO')
      : assessment.status === 'FAILED'
        ? 'could not finish'
        : assessment.status === 'UNASSESSABLE'
          ? 'could not assess'
          : 'running';
  const request = snapshot.request;
  const decision = !request
    ? ''
    : request.override
      ? ', OVERRIDE: GO'
      : request.decision
        ? `, decision ${decisionWord(request.decision)}`
        : `, sign-off ${STATUS_WORD[request.status]}`;
  return `Status of ${target}: ${state}${decision}`;
}

/** The ephemeral answer to `/readiness status`: the latest assessment, its sign-off, the decision and its expiry. */
export function renderStatusAnswer(snapshot: StatusSnapshot, who: (role: string) => string, now: Date): SlackMessage {
  const { assessment, request } = snapshot;
  if (!assessment) {
    const text = `${targetText(snapshot.service, snapshot.environment)} has not been assessed yet. Start with ${runCommand(snapshot)}.`;
    return { text, blocks: [section(text)] };
  }
  const blocks: Record<string, unknown>[] = [section(assessmentText(snapshot, assessment)), section(decisionText(snapshot, assessment, who))];
  if (request) {
    const { requirements } = evaluateSignoffs(request.requirements, request.signoffs, request.verdict);
    blocks.push(
      section(
        `*Sign-off* ${shortRef(request.id)} — ${STATUS_WORD[request.status]}, requested by ${mentionUser(request.requestedBy)} at ${utcMinute(request.createdAt)}`,
      ),
    );
    for (const requirement of requirements.slice(0, MAX_ROLES_SHOWN)) blocks.push(section(roleText(requirement, request, who)));
    if (requirements.length > MAX_ROLES_SHOWN) blocks.push(context(`…and ${requirements.length - MAX_ROLES_SHOWN} more roles.`));
    blocks.push(context(expiryText(request, now)));
  } else if (snapshot.previous && snapshot.previous.status !== 'STALE') {
    blocks.push(context(earlierSignoffText(snapshot.previous)));
  }
  const report = assessment.status === 'COMPLETED' ? ` · full report: \`/readiness report ${escapeText(assessment.id.slice(0, 8))}\`` : '';
  blocks.push(context(`History: \`/readiness audit ${escapeText(snapshot.service)} ${escapeText(snapshot.environment)}\`${report}`));
  return { text: fallbackText(snapshot, assessment), blocks };
}
