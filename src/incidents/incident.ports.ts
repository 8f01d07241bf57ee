import type { AuditEntry } from '../audit/audit-entry.ts';
import type { Decision, EscalationStep, IncidentEventView, IncidentView, NewNotification, TimelineEvent } from './incident.types.ts';

/** A notification waiting to be posted, as the delivery code sees it. */
export interface PendingNotification {
  id: string;
  seq: number;
  incidentId: string;
  key: string;
  destination: NewNotification['destination'];
  channel: string | null;
  threadTs: string | null;
  onlyWhileOpen: boolean;
  event: TimelineEvent;
  attempts: number;
}

/** What a new incident is inserted with, typed as its view reads it back; the other columns take their defaults. */
export type NewIncidentRecord = Pick<
  IncidentView,
  | 'id'
  | 'title'
  | 'severity'
  | 'kind'
  | 'service'
  | 'environment'
  | 'cause'
  | 'openedBy'
  | 'summary'
  | 'evidence'
  | 'runbookUrl'
  | 'channelId'
  | 'threads'
  | 'stakeholders'
  | 'policy'
  | 'escalationDueAt'
  | 'createdAt'
> & {
  requestKey: string;
  mergeKey: string | null;
};

/** What is recorded along with a change: the audit trail and the posts that tell people. */
export interface IncidentEffects {
  audit: AuditEntry[];
  notifications: NewNotification[];
}

export type CreateOutcome =
  | { created: true; incident: IncidentView; lastSeq: number | undefined }
  | { created: false; conflict: 'request_key'; existing: IncidentView }
  | { created: false; conflict: 'merge_key' };

export type ApplyOutcome<R> =
  | { applied: true; before: IncidentView; after: IncidentView; lastSeq: number | undefined }
  | { applied: false; refusal: R; current: IncidentView }
  | { applied: false; refusal: 'not_found' }
  | { applied: false; refusal: 'duplicate' };

export type DeliveryStep =
  | { kind: 'idle' }
  | { kind: 'sent'; notification: PendingNotification; channel: string; ts: string }
  | { kind: 'superseded'; notification: PendingNotification };

/** Where a post landed. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

/** Renders and posts one notification while the incident's row is locked; undefined when there is nothing to post. */
export type SendNotification = (
  notification: PendingNotification,
  incident: IncidentView,
  events: IncidentEventView[],
) => Promise<PostedMessage | undefined>;

/** A post Slack refused for good: recorded as failed, with its audit event and the follow-up posts that say so. */
export interface FailedDelivery {
  audit: AuditEntry;
  notifications: NewNotification[];
}

/** The previous completed assessment of the same service and environment, as far as regression detection needs it. */
export interface PreviousAssessment {
  id: string;
  verdict: string | null;
  checks: { checkId: string; status: string }[];
}

/** What a restarted worker must make sure is scheduled: open escalations and undelivered posts. */
export interface RecoverableWork {
  escalations: { id: string; step: EscalationStep; dueAt: Date }[];
  undelivered: { incidentId: string; seq: number }[];
}

/** Incidents and their outbox. Every transition is decided on the row as locked, and applied with its posts and audit. */
export interface IncidentRepository {
  /** Records a new incident with its first posts. A repeated request key or an open duplicate is reported, not thrown. */
  create(record: NewIncidentRecord, effects: IncidentEffects): Promise<CreateOutcome>;
  /**
   * Locks the incident, lets `decide` choose the change from its current state, and applies it with its audit
   * events and posts in the same transaction. An audit event whose dedupe key exists already means this very
   * change was applied before: reported as `duplicate`.
   */
  apply<R>(id: string, now: () => Date, decide: (current: IncidentView, at: Date) => Decision<R>): Promise<ApplyOutcome<R>>;
  find(id: string): Promise<IncidentView | undefined>;
  findOpenByMergeKey(mergeKey: string): Promise<IncidentView | undefined>;
  /** Open and acknowledged incidents, most severe first, oldest first within a severity. */
  listOpen(): Promise<IncidentView[]>;
  /** The incident's audit events, oldest first: its timeline. */
  events(incidentId: string): Promise<IncidentEventView[]>;
  /**
   * Delivers the incident's next pending post, in seq order, while holding the incident's row lock: an
   * acknowledgement waits for a page being sent, and a page still waiting when the acknowledgement lands is
   * superseded instead of sent. An alert update with a newer one behind it is skipped (the newer shows more).
   */
  deliverNext(incidentId: string, now: () => Date, send: SendNotification): Promise<DeliveryStep>;
  /** Whether the alert itself went out: PENDING, SENT, or FAILED with Slack's error. */
  alertDelivery(incidentId: string): Promise<{ status: string; error: string | null } | undefined>;
  /** Counts a failed attempt at a post that will be retried. */
  recordAttempt(notificationId: string, error: string): Promise<void>;
  /** Gives up on a post Slack refuses for good, records why, and queues the follow-up posts that say so. */
  markFailed(notificationId: string, error: string, followUp: FailedDelivery): Promise<{ failed: boolean; lastSeq: number | undefined }>;
  recoverable(): Promise<RecoverableWork>;
  /** The latest completed assessment of the service and environment before this one: was it GO, and how did each check fare. */
  previousCompletedAssessment(service: string, environment: string, before: { id: string; createdAt: Date }): Promise<PreviousAssessment | undefined>;
}
