import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../audit/audit-entry.ts';
import type { NewIncidentRecord } from './incident.ports.ts';
import type { IncidentDeps } from './incident-deps.ts';
import { syncAfterChange } from './incident-deps.ts';
import type { EscalationPolicy, IncidentSeverity, IncidentView, NewNotification, PageTargets } from './incident.types.ts';
import { pathOf, stepKey } from './incident.types.ts';
import { resolvePageTargets } from './page-targets.ts';
import { alertChannel, guessKind, policyFor, runbookFor } from './severity-policy.ts';
import { pagePosts, timelinePosts } from './timeline-plan.ts';

/** Everything a new incident is made of, before it has an id; planNewIncident adds the rest. */
export type IncidentDraft = Omit<NewIncidentRecord, 'id' | 'runbookUrl' | 'policy' | 'escalationDueAt' | 'createdAt'>;

export interface NewIncidentPlan {
  record: NewIncidentRecord;
  audit: AuditEntry[];
  notifications: NewNotification[];
}

/**
 * The incident as it is opened: the alert, the level-1 page (or the note that this severity pages no one), an
 * "opened" post in every mirrored thread, and the level-1 timer. Pure.
 */
export function planNewIncident(
  draft: IncidentDraft,
  context: { id: string; policy: EscalationPolicy; runbookUrl: string | null; targets: PageTargets | undefined; at: Date },
): NewIncidentPlan {
  const { id, policy, at } = context;
  const subject = { id, threads: draft.threads };
  const firstLevel = policy.levels[0];
  const step = { plan: 0, level: 0, round: 0 };
  const record: NewIncidentRecord = {
    ...draft,
    id,
    runbookUrl: context.runbookUrl,
    policy,
    escalationDueAt: firstLevel ? new Date(at.getTime() + firstLevel.timeoutMs) : null,
    createdAt: at,
  };
  const audit: AuditEntry[] = [
    {
      actor: draft.openedBy,
      action: 'incident.opened',
      subjectType: 'incident',
      subjectId: id,
      before: null,
      after: { status: 'OPEN', severity: draft.severity },
      reason: draft.summary,
      data: {
        severity: draft.severity,
        title: draft.title,
        service: draft.service,
        environment: draft.environment,
        cause: draft.cause,
        channel: draft.channelId,
      },
    },
  ];
  const notifications: NewNotification[] = [
    { key: `${id}_alert`, destination: 'alert', onlyWhileOpen: false, event: { type: 'alert' } },
    ...draft.threads.map(
      (thread): NewNotification => ({
        key: `${id}_opened_m${thread.channel}_${thread.ts}`,
        destination: 'thread',
        channel: thread.channel,
        threadTs: thread.ts,
        onlyWhileOpen: false,
        event: { type: 'opened', by: draft.openedBy },
      }),
    ),
  ];
  if (firstLevel && context.targets) {
    audit.push({
      actor: draft.openedBy,
      action: 'incident.paged',
      subjectType: 'incident',
      subjectId: id,
      reason: 'the incident opened',
      before: { level: null, round: null },
      after: { level: 1, round: 1 },
      data: { ...step, trigger: 'open', targets: context.targets },
      dedupeKey: `incident.paged_${id}_${stepKey(step)}`,
    });
    notifications.push(...pagePosts(subject, { step, path: pathOf(policy), targets: context.targets, trigger: 'open', by: draft.openedBy }));
  } else {
    notifications.push(...timelinePosts(subject, 'no_one_to_page', { type: 'no_one_to_page', severity: draft.severity }));
  }
  return { record, audit, notifications };
}

async function targetsOf(deps: IncidentDeps, policy: EscalationPolicy): Promise<PageTargets | undefined> {
  const first = policy.levels[0];
  return first ? resolvePageTargets(first, deps.directory) : undefined;
}

export type CreateResult =
  | { ok: true; created: true; incident: IncidentView }
  | { ok: true; created: false; incident: IncidentView }
  | { ok: false; reason: 'duplicate_open' };

/** Records the incident, then arms its timer and queues its posts. */
export async function createIncident(deps: IncidentDeps, draft: IncidentDraft): Promise<CreateResult> {
  const { config } = deps.settings;
  const policy = policyFor(config, draft.severity);
  const targets = await targetsOf(deps, policy);
  const plan = planNewIncident(draft, { id: randomUUID(), policy, runbookUrl: runbookFor(config, draft.kind), targets, at: deps.now() });
  const outcome = await deps.incidents.create(plan.record, plan);
  if (outcome.created) {
    await syncAfterChange(deps.scheduler, undefined, outcome.incident, outcome.lastSeq);
    return { ok: true, created: true, incident: outcome.incident };
  }
  if (outcome.conflict === 'request_key') return { ok: true, created: false, incident: outcome.existing };
  return { ok: false, reason: 'duplicate_open' };
}

export interface OpenIncidentInput {
  /** Slack's trigger_id: a redelivered command finds the incident it opened. */
  requestKey: string;
  severity: IncidentSeverity;
  title: string;
  service: string | null;
  openedBy: string;
  /** The channel the command was typed in: the alert goes there when no incidents channel is configured. */
  originChannel: string;
}

/** `/readiness incident`: a person opens an incident. People may open duplicates on purpose; they are not merged. */
export async function openIncident(deps: IncidentDeps, input: OpenIncidentInput): Promise<{ incident: IncidentView; created: boolean }> {
  const { config, envChannel } = deps.settings;
  const result = await createIncident(deps, {
    requestKey: input.requestKey,
    mergeKey: null,
    title: input.title,
    severity: input.severity,
    kind: guessKind(input.title),
    service: input.service,
    environment: null,
    cause: null,
    openedBy: input.openedBy,
    summary: null,
    evidence: null,
    channelId: alertChannel(config, envChannel, input.originChannel),
    threads: [],
    stakeholders: [],
  });
  if (!result.ok) throw new Error('an incident without a merge key cannot conflict with an open one');
  return { incident: result.incident, created: result.created };
}
