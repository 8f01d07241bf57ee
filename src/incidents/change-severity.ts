import type { AuditEntry } from '../audit/audit-entry.ts';
import type { IncidentDeps } from './incident-deps.ts';
import { syncAfterChange } from './incident-deps.ts';
import type { Decision, EscalationPolicy, IncidentSeverity, IncidentView, NewNotification, PageTargets } from './incident.types.ts';
import { pathOf, stepKey } from './incident.types.ts';
import { resolvePageTargets } from './page-targets.ts';
import { policyFor } from './severity-policy.ts';
import { alertUpdate, pagePosts, timelinePosts } from './timeline-plan.ts';

export type SeverityRefusal = 'resolved' | 'stale' | 'same';

export interface SeverityChange {
  from: IncidentSeverity;
  to: IncidentSeverity;
  by: string;
  /** Why, in the person's words: required to lower a severity (asked for in a modal), announced and audited. */
  reason?: string | undefined;
  /** The new severity's policy, and who its first level pages now. */
  policy: EscalationPolicy;
  targets: PageTargets | undefined;
}

/**
 * A new severity brings its own policy. While nobody has acknowledged, escalation restarts at the new path's first
 * level, which is paged at once with the new respond-within; an acknowledged incident only records the change.
 * The plan number moves on, so every timer armed under the old severity is void. Pure.
 */
export function decideSeverityChange(incident: IncidentView, change: SeverityChange, at: Date): Decision<SeverityRefusal> {
  if (incident.status === 'RESOLVED') return { ok: false, refusal: 'resolved' };
  if (incident.severity !== change.from) return { ok: false, refusal: 'stale' };
  if (change.from === change.to) return { ok: false, refusal: 'same' };
  const plan = incident.plan + 1;
  const step = { plan, level: 0, round: 0 };
  const restarted = incident.status === 'OPEN';
  const first = change.policy.levels[0];
  const audit: AuditEntry[] = [
    {
      actor: change.by,
      action: 'incident.severity_changed',
      subjectType: 'incident',
      subjectId: incident.id,
      reason: change.reason ?? null,
      before: { severity: incident.severity },
      after: { severity: change.to },
      data: { from: change.from, to: change.to, restarted },
      dedupeKey: `incident.severity_changed_${incident.id}_${plan}`,
    },
  ];
  const subject = incident;
  const notifications: NewNotification[] = [
    ...timelinePosts(subject, `severity${plan}`, {
      type: 'severity_changed',
      from: change.from,
      to: change.to,
      by: change.by,
      restarted,
      respondWithinMs: change.policy.respondWithinMs,
      ...(change.reason ? { reason: change.reason } : {}),
    }),
  ];
  if (restarted && first && change.targets) {
    audit.push({
      actor: change.by,
      action: 'incident.paged',
      subjectType: 'incident',
      subjectId: incident.id,
      reason: `the severity changed to ${change.to}: its escalation path starts again`,
      before: { severity: incident.severity, level: incident.level + 1, round: incident.round + 1 },
      after: { severity: change.to, level: 1, round: 1 },
      data: { ...step, trigger: 'severity', targets: change.targets },
      dedupeKey: `incident.paged_${incident.id}_${stepKey(step)}`,
    });
    notifications.push(...pagePosts(subject, { step, path: pathOf(change.policy), targets: change.targets, trigger: 'severity', by: change.by }));
  } else if (restarted) {
    notifications.push(...timelinePosts(subject, `no_one_to_page_${plan}`, { type: 'no_one_to_page', severity: change.to }));
  }
  notifications.push(alertUpdate(incident, `severity${plan}`));
  return {
    ok: true,
    change: {
      set: {
        severity: change.to,
        policy: change.policy,
        plan,
        level: 0,
        round: 0,
        escalationDueAt: restarted && first ? new Date(at.getTime() + first.timeoutMs) : null,
      },
      audit,
      notifications,
    },
  };
}

export type ChangeSeverityResult =
  | { ok: true; incident: IncidentView }
  | { ok: false; reason: SeverityRefusal | 'not_found' | 'duplicate'; incident?: IncidentView };

/** Raises or lowers the severity from the alert (or when a more severe report merges in), re-planning the timers. */
export async function changeSeverity(
  deps: IncidentDeps,
  input: { incidentId: string; from: IncidentSeverity; to: IncidentSeverity; by: string; reason?: string | undefined },
): Promise<ChangeSeverityResult> {
  const policy = policyFor(deps.settings.config, input.to);
  const first = policy.levels[0];
  const targets = first ? await resolvePageTargets(first, deps.directory) : undefined;
  const outcome = await deps.incidents.apply(input.incidentId, deps.now, (current, at) =>
    decideSeverityChange(current, { ...input, policy, targets }, at),
  );
  if (!outcome.applied) {
    return 'current' in outcome ? { ok: false, reason: outcome.refusal, incident: outcome.current } : { ok: false, reason: outcome.refusal };
  }
  await syncAfterChange(deps.scheduler, outcome.before, outcome.after, outcome.lastSeq);
  return { ok: true, incident: outcome.after };
}
