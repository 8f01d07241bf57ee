import type { SignAttempt, SignRefusal } from './authorize.ts';
import type { SignoffOutcome } from './progress.ts';
import type { Decision, Requirement, SignoffKind, SignoffRecord, SignoffRequestView } from './signoff.types.ts';

/** A sign-off request to open for a completed assessment. */
export interface NewSignoffRequest {
  assessmentId: string;
  service: string;
  environment: string;
  requestedBy: string;
  channelId: string;
  threadTs: string;
  requirements: Requirement[];
  verdict: Decision;
  expiresAt: Date;
  /** Unchanged approvals carried over from the request a newer assessment made stale. */
  carried: SignoffRecord[];
  at: Date;
}

export interface CreatedSignoffRequest {
  request: SignoffRequestView;
  /** False when the assessment already had its request (a retry, a double click): that one is returned. */
  created: boolean;
  /** Present when created: carried sign-offs may decide the request at once. */
  outcome?: SignoffOutcome;
}

/** One person's sign-off, as recorded inside the transaction that checks it again. */
export interface SignRecord {
  requestId: string;
  role: string;
  userId: string;
  kind: SignoffKind;
  note: string | null;
  allowSelfApproval: boolean;
  separation?: SignAttempt['separation'];
  at: Date;
}

export type SignResult =
  | { applied: true; request: SignoffRequestView; outcome: SignoffOutcome }
  | { applied: false; refusal: SignRefusal | { reason: 'not_found' } };

export interface MarkStaleInput {
  service: string;
  environment: string;
  newerAssessmentId: string;
  at: Date;
}

/** An override role's GO: the request's own fields (it may not exist yet) and the justification. */
export type OverrideRecord = Omit<NewSignoffRequest, 'carried' | 'expiresAt'> & { justification: string };

export type OverrideRecordResult =
  | { applied: true; request: SignoffRequestView }
  | { applied: false; request: SignoffRequestView | undefined; reason: 'stale' | 'already_overridden' };

/** Sign-off requests and sign-offs; every change is a guarded transition, recorded with its audit event. */
export interface SignoffRepository {
  findById(id: string): Promise<SignoffRequestView | undefined>;
  findByAssessment(assessmentId: string): Promise<SignoffRequestView | undefined>;
  /** The newest request of a service and environment, whatever its state. */
  latestFor(service: string, environment: string): Promise<SignoffRequestView | undefined>;
  /** The request a newer assessment made STALE most recently: where carried sign-offs come from. */
  latestStale(service: string, environment: string): Promise<SignoffRequestView | undefined>;
  /** Creates the request for an assessment once; carried sign-offs may decide it at once. */
  create(input: NewSignoffRequest): Promise<CreatedSignoffRequest>;
  /** Records the thread message of the request, once; false when it already had one. */
  attachMessage(id: string, messageTs: string): Promise<boolean>;
  /**
   * Takes the right to post the request's message for `leaseMs`: refused while the message is recorded or another
   * claim runs. `earlierAttempts` counts the claims before this one, any of which may have reached Slack.
   */
  claimMessage(id: string, leaseMs: number): Promise<AttemptClaim>;
  /**
   * Gives a claim back after a post that failed, so the next one need not wait out the lease. Only the claim made as
   * attempt `attempt` (`earlierAttempts + 1`): when the lease ran out and another process took the claim meanwhile,
   * that claim is theirs and stays. False when there was nothing of ours to give back.
   */
  releaseMessageClaim(id: string, attempt: number): Promise<boolean>;
  /** Requests (not stale) created before `createdBefore`, within a day of it, whose message was never recorded. */
  unposted(createdBefore: Date, limit: number): Promise<string[]>;
  /** Records one person's sign-off if it is still allowed, and the decision when it was the last one needed. */
  sign(input: SignRecord): Promise<SignResult>;
  /** PENDING past its expiry -> EXPIRED, once; undefined when it was not (or no longer) pending. */
  expire(id: string, at: Date): Promise<SignoffRequestView | undefined>;
  /** Open requests of older assessments of the same service and environment become STALE; returns them. */
  markStale(input: MarkStaleInput): Promise<SignoffRequestView[]>;
  /** An override role's GO over a NO-GO or an unfinished sign-off, once; creates the request row if needed. */
  override(input: OverrideRecord): Promise<OverrideRecordResult>;
}

/** A notice the thread is owed: written with the transition that made it due (see SignoffNotices). */
export interface PendingSignoffNotice {
  /** `<kind>:<request id>`: the notice's idempotency key, carried by its post as message metadata. */
  key: string;
  kind: 'decided' | 'overridden' | 'expired';
  /** Earlier attempts: one may have reached Slack before its process died, so look before posting again. */
  attempts: number;
}

/** A claim on a post: the right to make it now, and how many claims before this one may have made it already. */
export type AttemptClaim = { claimed: true; earlierAttempts: number } | { claimed: false };

/** The sign-off notice outbox: notices owed once each, delivered at least once, posted once. */
export interface SignoffNotices {
  pending(requestId: string): Promise<PendingSignoffNotice[]>;
  /**
   * Counts an attempt before the post, so a process that dies mid-post leaves a trace for the next one, and holds
   * it for `leaseMs`: a second process finds it claimed and leaves it (two posts side by side would both miss
   * each other's). Refused when the notice is sent or claimed.
   */
  claimAttempt(key: string, leaseMs: number): Promise<AttemptClaim>;
  /**
   * Gives the claim made as attempt `attempt` back after a post that failed (the count stays), so a retry need not
   * wait out the lease; a no-op once another claim has been made since.
   */
  releaseAttempt(key: string, attempt: number): Promise<void>;
  /** Requests with a notice still owed that fell due before `dueBefore`, oldest first. */
  owed(dueBefore: Date, limit: number): Promise<string[]>;
  /** PENDING -> SENT once, with the message it became. */
  markSent(key: string, postedTs: string | undefined, at: Date): Promise<void>;
}

export interface SignoffScheduler {
  /** Re-renders a sign-off message from the database; coalesced like assessment renders. */
  requestSignoffRender(requestId: string): Promise<void>;
  /** Expires the request at `at` unless it is decided first. Idempotent. */
  scheduleSignoffExpiry(requestId: string, at: Date): Promise<void>;
}

/** The assessment message shows a sign-off badge, so a sign-off change asks for it to be re-rendered too. */
export interface AssessmentRenderRequests {
  requestRender(assessmentId: string): Promise<void>;
}

/**
 * The sign-off conversation in the assessment's thread. The chat adapter decides the words and the blocks; the
 * domain says only what happened.
 */
export interface SignoffThread {
  /**
   * Posts the sign-off message of the request with its intent as the post's idempotency key; when `lookFirst`,
   * finds an earlier post carrying it instead of posting again. Returns its message id when the chat gave one.
   */
  postRequest(request: SignoffRequestView, options: { lookFirst: boolean }): Promise<string | undefined>;
  /** A decision was reached (rejected or approved). */
  announceDecision(request: SignoffRequestView, outcome: SignoffOutcome): Promise<void>;
  /** An override role made the decision GO; it must not hide in the thread. */
  announceOverride(request: SignoffRequestView): Promise<void>;
  /** The request expired before every sign-off was in; the requester is told. */
  announceExpiry(request: SignoffRequestView): Promise<void>;
  /**
   * Posts a notice the outbox holds, with its key as the post's idempotency key; when `lookFirst`, finds an earlier
   * post carrying that key instead of posting again. Returns the message id.
   */
  postNotice(request: SignoffRequestView, notice: PendingSignoffNotice, options: { lookFirst: boolean }): Promise<string | undefined>;
}
