import type { CheckOutcomeStatus } from '../checks/check.types.ts';
import type { ReadinessResult } from '../readiness/score.ts';
import type { AssessmentPlan, AssessmentView, AttestationView, CheckResultView, NewAssessment } from './assessment.types.ts';

/** The outcome of one check as it is recorded on its row. */
export interface CheckOutcomeRecord {
  status: CheckOutcomeStatus;
  message: string;
  evidence: Record<string, unknown>;
  durationMs: number | null;
  attempts: number;
}

export interface CheckOutcomeAt {
  checkId: string;
  outcome: CheckOutcomeRecord;
  at: Date;
}

/** A check as its job finds it: the definition stored with the assessment, and whether it still waits for a result. */
export interface StoredCheckSpec {
  spec: unknown;
  status: CheckResultView['status'];
  /** Of the check's assessment: what the check is run for. */
  service: string;
  environment: string;
}

/** Whether this process may post an assessment's first message (see AssessmentRepository.claimMessage). */
export type MessageClaim =
  | { claimed: true }
  | { claimed: false; reason: 'posted' | 'not_found' }
  | { claimed: false; reason: 'claimed'; claimedAt: Date };

export type AttestOutcome = { applied: false } | { applied: true; rescored?: { from: string | null; to: string } };

/** A person's attestation of one manual check of an assessment, valid until `expiresAt`. */
export interface NewAttestation {
  assessmentId: string;
  checkId: string;
  role: string;
  attestedBy: string;
  at: Date;
  expiresAt: Date;
}

/**
 * Where assessments and their checks are kept. Every write is a guarded transition (`WHERE status = …`): applying
 * it twice changes nothing the second time.
 */
export interface AssessmentRepository {
  /** Creates the assessment and a PENDING row per check; the same requestKey returns the existing one. */
  create(input: NewAssessment, plan: AssessmentPlan): Promise<{ assessment: AssessmentView; created: boolean }>;
  find(id: string): Promise<AssessmentView | undefined>;
  /** The stored definition and status of these checks of an assessment (all of them when none are named), by check id. */
  findCheckSpecs(assessmentId: string, checkIds?: readonly string[]): Promise<Map<string, StoredCheckSpec>>;
  /**
   * Takes the right to post the assessment's first message: granted when it has no message and no claim newer
   * than `staleBefore` (a claimant that died holds it no longer than that). Of two processes claiming at once,
   * exactly one is granted.
   */
  claimMessage(id: string, at: Date, staleBefore: Date): Promise<MessageClaim>;
  /** Gives a claim back (its post failed), so the next claimant need not wait for it to go stale. */
  releaseMessageClaim(id: string, claimedAt: Date): Promise<boolean>;
  attachMessage(id: string, messageTs: string): Promise<boolean>;
  /** QUEUED to RUNNING; false when the assessment was not QUEUED. */
  markRunning(id: string, at: Date): Promise<boolean>;
  /** Records the outcome of a PENDING check; false when it already had one. */
  recordCheckOutcome(assessmentId: string, checkId: string, outcome: CheckOutcomeRecord, at: Date): Promise<boolean>;
  /**
   * recordCheckOutcome for several checks of one assessment at once, with the same guard: returns the ids whose
   * outcome this call recorded. A check id given twice is recorded from its first entry only.
   */
  recordCheckOutcomes(assessmentId: string, outcomes: readonly CheckOutcomeAt[]): Promise<Set<string>>;
  /** How many checks of the assessment still wait for a worker's result (PENDING, manual checks not counted). */
  countUnfinishedChecks(assessmentId: string): Promise<number>;
  /** Scores the assessment from its checks as they are at this instant and completes it; undefined when it had finished. */
  complete(id: string, at: Date): Promise<ReadinessResult | undefined>;
  /** Attestations of these manual checks that still hold at `now`, newest first per check. */
  findValidAttestations(service: string, environment: string, checkIds: readonly string[], now: Date): Promise<Map<string, AttestationView>>;
  /**
   * Records a person's attestation of a PENDING manual check: the check passes, the attestation is kept for later
   * assessments, and a completed assessment is re-scored. Applies once.
   */
  attest(input: NewAttestation): Promise<AttestOutcome>;
  /** Ends a QUEUED or RUNNING assessment as FAILED with the reason; false when it had already finished. */
  fail(id: string, why: string, at: Date): Promise<boolean>;
  /**
   * Ends a QUEUED or RUNNING assessment as UNASSESSABLE ("could not assess") with the cause, audited; false when it
   * had already finished. Used when our own infrastructure stayed unreachable past the retry window.
   */
  markUnassessable(id: string, cause: string, at: Date): Promise<boolean>;
}

export interface AssessmentScheduler {
  /**
   * Enqueues the assessment flow: the checks in batch jobs of at most CHECK_BATCH_SIZE, under a parent job that runs
   * once every batch has finished. Idempotent for the same check ids.
   */
  enqueueAssessment(assessmentId: string, checkIds: readonly string[]): Promise<void>;
  /** Asks for the message to be re-rendered from the database within a short window. Bursts coalesce. */
  requestRender(assessmentId: string): Promise<void>;
}

export interface IntakeScheduler {
  /** Arms the intake job of a `/readiness run`, due `delayMs` from now. Ids only; the same requestKey twice is one job. */
  enqueueIntake(request: NewAssessment, delayMs: number): Promise<void>;
  /**
   * The person was told the run did not start (or that its message cannot be shown): its intake must never do it.
   * Takes back an add not yet sent, marks the run refused (IntakeRefusals) and removes the job if it is there.
   * Whatever the order in which the add and this land in Redis, the intake job does nothing.
   */
  refuseIntake(requestKey: string): Promise<void>;
  /** Removes an intake job with nothing left to do (the bot posted the message); false when there was none to remove. */
  removeIntake(requestKey: string): Promise<boolean>;
}

/** What the intake job asks before it records anything: was this run refused (IntakeScheduler.refuseIntake)? */
export interface IntakeRefusals {
  wasRefused(requestKey: string): Promise<boolean>;
}

export type PublishResult =
  | { outcome: 'posted'; messageTs: string }
  | { outcome: 'already_posted' }
  /** Another process (the bot, or an intake job) holds the claim; it is theirs to post until `claimExpiresAt`. */
  | { outcome: 'being_posted'; claimExpiresAt: Date };

/** Posts an assessment's first message, once per assessment whoever calls (the chat adapter decides the words). */
export type PublishAssessmentMessage = (view: AssessmentView) => Promise<PublishResult>;
