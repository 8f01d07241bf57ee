import type { AuditEntry } from '../audit/audit-entry.ts';
import type { IncidentKind, IncidentSeverity } from './incident-config.ts';

export type { IncidentKind, IncidentSeverity } from './incident-config.ts';

export type IncidentStatus = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';

/** One level of an escalation path as snapshotted on the incident, its timeout resolved. */
export interface PolicyLevel {
  users: string[];
  usergroups: string[];
  roles: string[];
  timeoutMs: number;
}

/** The severity's policy when it was set on the incident: a later readiness.yaml edit does not change it. */
export interface EscalationPolicy {
  severity: IncidentSeverity;
  description: string;
  respondWithinMs: number;
  /** How many more times the whole path is paged after its last level. */
  repeat: number;
  levels: PolicyLevel[];
}

/**
 * Where an escalation stands. `plan` changes with every severity change, so a timer armed under an earlier
 * plan can never apply; `round` counts passes over the whole path.
 */
export interface EscalationStep {
  plan: number;
  level: number;
  round: number;
}

export interface ThreadRef {
  channel: string;
  ts: string;
}

export interface IncidentView {
  id: string;
  number: number;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  kind: IncidentKind;
  service: string | null;
  environment: string | null;
  /** Why the bot opened it (`rollback`, `critical-check-regression`, …); null when a person opened it. */
  cause: string | null;
  /** A Slack user id, or "system". */
  openedBy: string;
  summary: string | null;
  evidence: Record<string, unknown> | null;
  runbookUrl: string | null;
  channelId: string;
  messageTs: string | null;
  /** Threads that mirror the timeline, such as the deployment's. */
  threads: ThreadRef[];
  stakeholders: string[];
  occurrences: number;
  policy: EscalationPolicy;
  plan: number;
  level: number;
  round: number;
  escalationDueAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  resolutionSummary: string | null;
  timeToAcknowledgeSeconds: number | null;
  timeToResolveSeconds: number | null;
  createdAt: Date;
}

/** An audit event about the incident: the timeline a review is written from. */
export interface IncidentEventView {
  action: string;
  actor: string;
  at: Date;
  reason: string | null;
  data: Record<string, unknown>;
}

/** Who one level pages, resolved at the moment of paging. */
export interface PageTargets {
  /** Mentioned in the channel. */
  users: string[];
  usergroups: string[];
  /** Sent a DM: the users plus every member of the usergroups that could be looked up. */
  dmUsers: string[];
  /** Roles the level names that readiness.yaml does not define: nobody is paged for them. */
  missingRoles: string[];
  /** Usergroups whose members could not be looked up (they are still mentioned). */
  lookupFailures: string[];
}

export type PageTrigger = 'open' | 'timeout' | 'manual' | 'severity';

/** The escalation path as it was when an event happened: a post delivered later still describes that moment. */
export interface PathSnapshot {
  severity: IncidentSeverity;
  levelCount: number;
  repeat: number;
  respondWithinMs: number;
}

export const pathOf = (policy: EscalationPolicy): PathSnapshot => ({
  severity: policy.severity,
  levelCount: policy.levels.length,
  repeat: policy.repeat,
  respondWithinMs: policy.respondWithinMs,
});

/** What one notification shows; rendered from this and the incident's state when it is delivered. */
export type TimelineEvent =
  | { type: 'alert' }
  | { type: 'opened'; by: string }
  | {
      type: 'paged';
      step: EscalationStep;
      path: PathSnapshot;
      trigger: PageTrigger;
      by: string;
      targets: PageTargets;
      /** For timeouts: how long the previous level had. */
      waitedMs?: number;
    }
  | { type: 'page_dm'; step: EscalationStep; path: PathSnapshot; trigger: PageTrigger }
  | { type: 'no_one_to_page'; severity: IncidentSeverity }
  | { type: 'exhausted'; rounds: number }
  | { type: 'superseded'; step: EscalationStep; dueAt: string | null; status: IncidentStatus; by: string | null }
  | { type: 'acknowledged'; by: string; afterSeconds: number }
  | {
      type: 'severity_changed';
      from: IncidentSeverity;
      to: IncidentSeverity;
      by: string;
      restarted: boolean;
      respondWithinMs: number;
      reason?: string;
    }
  | { type: 'merged'; occurrence: number; summary: string; evidence: Record<string, unknown> | null }
  | { type: 'resolved'; by: string; summary: string; acknowledgeSeconds: number; resolveSeconds: number }
  | { type: 'review' }
  /** A DM or mirrored post Slack refused for good: said in the incident's thread so it is not lost silently. */
  | { type: 'delivery_failed'; destination: 'dm' | 'thread'; channel: string | null; error: string };

export type NotificationDestination =
  /** The alert itself, posted once in the incidents channel. */
  | { destination: 'alert' }
  /** The alert re-rendered from the database. */
  | { destination: 'alert_update' }
  | { destination: 'incident_thread' }
  | { destination: 'thread'; channel: string; threadTs: string }
  /** channel is the user id: posting to it is how a bot sends a DM. */
  | { destination: 'dm'; channel: string };

export type NewNotification = NotificationDestination & {
  /** Idempotency key: one event never produces the same post twice. */
  key: string;
  /** Pages are not sent once someone has acknowledged or resolved the incident. */
  onlyWhileOpen: boolean;
  event: TimelineEvent;
};

/** Columns a transition may set. */
export interface IncidentUpdate {
  severity?: IncidentSeverity;
  status?: IncidentStatus;
  policy?: EscalationPolicy;
  plan?: number;
  level?: number;
  round?: number;
  escalationDueAt?: Date | null;
  acknowledgedBy?: string | null;
  acknowledgedAt?: Date | null;
  resolvedBy?: string | null;
  resolvedAt?: Date | null;
  resolutionSummary?: string | null;
  timeToAcknowledgeSeconds?: number | null;
  timeToResolveSeconds?: number | null;
  mergeKey?: string | null;
  threads?: ThreadRef[];
  stakeholders?: string[];
  occurrences?: number;
}

/** What a transition does, decided from the locked current state; the repository applies it in one transaction. */
export interface IncidentChange {
  set: IncidentUpdate;
  audit: AuditEntry[];
  notifications: NewNotification[];
}

export type Decision<Refusal> = { ok: true; change: IncidentChange } | { ok: false; refusal: Refusal };

export const stepOf = (incident: Pick<IncidentView, 'plan' | 'level' | 'round'>): EscalationStep => ({
  plan: incident.plan,
  level: incident.level,
  round: incident.round,
});

export const sameStep = (a: EscalationStep, b: EscalationStep) => a.plan === b.plan && a.level === b.level && a.round === b.round;

export const stepKey = (step: EscalationStep) => `p${step.plan}l${step.level}r${step.round}`;

/** Whole seconds between two instants, never negative. */
export const secondsBetween = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
