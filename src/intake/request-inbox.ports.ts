/**
 * The request inbox's port. What was acked must be durable before the ack (docs/architecture.md, Invariants): the
 * Slack adapter records each state-changing request here before its listener acks, the store keeps it, and the
 * worker's replay (jobs/inbox-replay.ts) runs what a dead bot acked but did not finish. Declared outside src/slack
 * and src/store so that neither adapter imports the other; which requests are recorded, and under which key, is
 * the Slack adapter's rule (src/slack/request-inbox.ts).
 */

export type InboxKind = 'command' | 'block_actions' | 'view_submission';

export interface InboxEntry {
  /** `<kind>:<trigger_id>`: Slack sends the same trigger_id when it redelivers a request. */
  key: string;
  kind: InboxKind;
  userId: string;
  /** The payload as Bolt hands it to listeners, without the verification token and the response URL(s). */
  body: Record<string, unknown>;
  /** Where the handler answers the user; a capability, so it is kept apart and dropped once the request is done. */
  responseUrl: string | null;
}

export type RecordOutcome = 'recorded' | 'in_progress' | 'finished';

/** What the inbox needs of its store (src/store/slack-requests.repository.ts). */
export interface InboxStore {
  /**
   * Inserts the entry PENDING with a lease of `leaseMs`. When its key is already there: `in_progress` while that
   * request is being handled or waits for its replay, `finished` once it was handled.
   */
  record(entry: InboxEntry, scope: string, leaseMs: number): Promise<{ outcome: RecordOutcome }>;
  /** PENDING → `status`, dropping body and response URL; false when it was not PENDING. */
  finish(key: string, status: 'DONE' | 'FAILED' | 'ABANDONED'): Promise<boolean>;
  /** Pushes the lease of these PENDING requests `leaseMs` ahead: their handler is still running. */
  renew(keys: readonly string[], leaseMs: number): Promise<void>;
}

/** A request whose handler died (or never finished) and whose lease has run out, claimed for a replay. */
export interface ClaimedRequest {
  key: string;
  kind: string;
  body: Record<string, unknown> | null;
  responseUrl: string | null;
  attempts: number;
}

/** The inbox as the worker's replay sees it: the recorder's side plus claiming expired leases and purging. */
export interface SlackRequestRepository extends InboxStore {
  /**
   * Takes up to `limit` PENDING requests of `scope` whose lease has passed, oldest first, and leases them for
   * `leaseMs` (attempts + 1). Rows another process is claiming at the same moment are skipped, never shared.
   */
  claimExpired(scope: string, leaseMs: number, limit: number): Promise<ClaimedRequest[]>;
  /** Deletes finished requests older than `retentionMs`; returns how many. */
  purgeFinished(retentionMs: number): Promise<number>;
}
