/**
 * The part of a subject's state an action is about (`{ status: 'PENDING', decision: null }`), small enough to read
 * in the trail. Null: the subject did not exist before the action (it created it).
 */
export type AuditState = Record<string, unknown> | null;

/** One human decision or automatic action, as a use case records it; the store writes it as an audit event. */
export interface AuditEntry {
  /** A Slack user id, or "system" for automatic actions. */
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  /** The state the action found; required, so every writer says what was true before, not what it assumes. */
  before: AuditState;
  /** The state the action left. */
  after: AuditState;
  reason?: string | null;
  data?: Record<string, unknown>;
  /** Defaults to action + subject: one event per transition, however often it is attempted. */
  dedupeKey?: string;
}
