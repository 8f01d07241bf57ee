import type { AuditEntry } from '../audit/audit-entry.ts';
import type { IncidentDeps } from './incident-deps.ts';
import { syncAfterChange } from './incident-deps.ts';
import type { Decision, EscalationStep, IncidentView, PageTargets } from './incident.types.ts';
import { pathOf, sameStep, stepKey, stepOf } from './incident.types.ts';
import { resolvePageTargets } from './page-targets.ts';
import { levelTimeoutMs, nextStep } from './severity-policy.ts';
import { alertUpdate, pagePosts, timelinePosts } from './timeline-plan.ts';

export type EscalationTrigger = 'timeout' | 'manual';

export interface EscalationRequest {
  trigger: EscalationTrigger;
  /** The step the timer was armed for, or the step the person saw on the alert. */
  expected: EscalationStep;
  by: string;
  /** The step after `expected`, and who it pages; undefined when the path is exhausted. */
  next: EscalationStep | undefined;
  targets: PageTargets | undefined;
}

export type EscalateRefusal = 'stale' | 'resolved' | 'last_level';

export type EscalationOutcome = 'escalated' | 'superseded' | 'exhausted';

/**
 * Moves the escalation one step on, decided on the locked row:
 * - the incident is no longer at the expected step (someone escalated, the severity changed): nothing happens;
 * - a timer finds the incident acknowledged or resolved: the escalation is recorded as superseded, nobody is paged;
 * - a timer after the last level of the last round: escalation stops, the incident stays open;
 * - otherwise the next level is paged, and re-armed while nobody has acknowledged.
 * A person may escalate an acknowledged incident (to get help); a timer never does. Pure.
 */
export function decideEscalation(incident: IncidentView, request: EscalationRequest, at: Date): Decision<EscalateRefusal> {
  const { expected, trigger } = request;
  if (!sameStep(stepOf(incident), expected)) return { ok: false, refusal: 'stale' };
  const base = { subjectType: 'incident', subjectId: incident.id } as const;
  if (trigger === 'timeout' && incident.status !== 'OPEN') {
    return {
      ok: true,
      change: {
        set: {},
        audit: [
          {
            ...base,
            actor: 'system',
            action: 'incident.escalation_superseded',
            before: { status: incident.status, escalationDueAt: incident.escalationDueAt?.toISOString() ?? null },
            after: { status: incident.status, escalationDueAt: incident.escalationDueAt?.toISOString() ?? null },
            reason: `${incident.status === 'ACKNOWLEDGED' ? 'acknowledged' : 'resolved'} before the level ${expected.level + 1} timer fired`,
            data: { ...expected, status: incident.status },
            dedupeKey: `incident.escalation_superseded_${incident.id}_${stepKey(expected)}`,
          },
        ],
        notifications: timelinePosts(incident, `superseded_${stepKey(expected)}`, {
          type: 'superseded',
          step: expected,
          dueAt: incident.escalationDueAt?.toISOString() ?? null,
          status: incident.status,
          by: incident.status === 'ACKNOWLEDGED' ? incident.acknowledgedBy : incident.resolvedBy,
        }),
      },
    };
  }
  if (trigger === 'timeout' && incident.escalationDueAt === null) return { ok: false, refusal: 'stale' };
  if (incident.status === 'RESOLVED') return { ok: false, refusal: 'resolved' };
  if (!request.next || !request.targets) {
    if (trigger === 'manual') return { ok: false, refusal: 'last_level' };
    const rounds = incident.policy.repeat + 1;
    return {
      ok: true,
      change: {
        set: { escalationDueAt: null },
        audit: [
          {
            ...base,
            actor: 'system',
            action: 'incident.escalation_exhausted',
            reason: `every level was paged ${rounds === 1 ? 'once' : `${rounds} times`} and nobody acknowledged`,
            before: { level: expected.level + 1, round: expected.round + 1, escalating: true },
            after: { level: expected.level + 1, round: expected.round + 1, escalating: false },
            data: { ...expected, rounds },
            dedupeKey: `incident.escalation_exhausted_${incident.id}_${stepKey(expected)}`,
          },
        ],
        notifications: [
          ...timelinePosts(incident, `exhausted_${stepKey(expected)}`, { type: 'exhausted', rounds }),
          alertUpdate(incident, 'exhausted'),
        ],
      },
    };
  }
  const { next, targets } = request;
  const open = incident.status === 'OPEN';
  const dueAt = incident.escalationDueAt;
  const waitedMs = trigger === 'timeout' ? levelTimeoutMs(incident.policy, expected.level) : undefined;
  const audit: AuditEntry[] = [
    {
      ...base,
      actor: request.by,
      action: 'incident.escalated',
      before: { level: expected.level + 1, round: expected.round + 1 },
      after: { level: next.level + 1, round: next.round + 1 },
      reason: trigger === 'timeout' ? `not acknowledged within level ${expected.level + 1}'s timeout` : 'escalated by hand',
      data: {
        from: expected,
        to: next,
        trigger,
        dueAt: dueAt?.toISOString() ?? null,
        // How late the timer fired: the figure bench/escalation-precision reports.
        lateMs: trigger === 'timeout' && dueAt ? at.getTime() - dueAt.getTime() : null,
      },
      dedupeKey: `incident.escalated_${incident.id}_${stepKey(expected)}`,
    },
    {
      ...base,
      actor: request.by,
      action: 'incident.paged',
      reason: trigger === 'timeout' ? `level ${expected.level + 1} did not acknowledge in time` : 'escalated by hand',
      before: { level: expected.level + 1, round: expected.round + 1 },
      after: { level: next.level + 1, round: next.round + 1 },
      data: { ...next, trigger, targets },
      dedupeKey: `incident.paged_${incident.id}_${stepKey(next)}`,
    },
  ];
  return {
    ok: true,
    change: {
      set: {
        level: next.level,
        round: next.round,
        escalationDueAt: open ? new Date(at.getTime() + levelTimeoutMs(incident.policy, next.level)) : null,
      },
      audit,
      notifications: [
        ...pagePosts(incident, {
          step: next,
          path: pathOf(incident.policy),
          targets,
          trigger,
          by: request.by,
          ...(waitedMs === undefined ? {} : { waitedMs }),
        }),
        alertUpdate(incident, `escalated_${stepKey(next)}`),
      ],
    },
  };
}

export type EscalateResult =
  | { ok: true; outcome: EscalationOutcome; incident: IncidentView }
  | { ok: false; reason: EscalateRefusal | 'not_found' | 'duplicate'; incident?: IncidentView };

/**
 * A timer fired, or someone pressed Escalate. The targets of the next level are looked up first (Slack usergroups);
 * the decision is then taken on the locked row, so an acknowledgement that lands meanwhile wins.
 */
export async function escalateIncident(
  deps: IncidentDeps,
  input: { incidentId: string; trigger: EscalationTrigger; by: string; expected?: EscalationStep },
): Promise<EscalateResult> {
  const current = await deps.incidents.find(input.incidentId);
  if (!current) return { ok: false, reason: 'not_found' };
  const expected = input.expected ?? stepOf(current);
  const next = expected.plan === current.plan ? nextStep(current.policy, expected) : undefined;
  const level = next ? current.policy.levels[next.level] : undefined;
  const targets = level ? await resolvePageTargets(level, deps.directory) : undefined;
  const request: EscalationRequest = { trigger: input.trigger, expected, by: input.by, next, targets };
  const outcome = await deps.incidents.apply(input.incidentId, deps.now, (locked, at) => decideEscalation(locked, request, at));
  if (!outcome.applied) {
    // A timer that finds its step gone may be a redelivery after the step was applied: make sure the current one is armed.
    if (input.trigger === 'timeout' && 'current' in outcome) await syncAfterChange(deps.scheduler, undefined, outcome.current, undefined);
    return 'current' in outcome ? { ok: false, reason: outcome.refusal, incident: outcome.current } : { ok: false, reason: outcome.refusal };
  }
  await syncAfterChange(deps.scheduler, outcome.before, outcome.after, outcome.lastSeq, input.trigger === 'timeout' ? expected : undefined);
  const kind: EscalationOutcome =
    outcome.before.status !== 'OPEN' && input.trigger === 'timeout'
      ? 'superseded'
      : sameStep(stepOf(outcome.before), stepOf(outcome.after))
        ? 'exhausted'
        : 'escalated';
  return { ok: true, outcome: kind, incident: outcome.after };
}
