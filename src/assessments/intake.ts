import type { IntakeRefusals, PublishAssessmentMessage } from './assessment.ports.ts';
import type { NewAssessment } from './assessment.types.ts';
import { startAssessment, type StartDeps, type Unavailable } from './start-assessment.ts';

/**
 * How long after a `/readiness run` is acked its intake job runs: long enough that a bot that is alive has recorded
 * the assessment and posted its message by then (under a burst commands wait in the bot's post-ack limiter), short
 * enough that a user whose bot died waits about this long for the message.
 * @defaultValue 30000
 */
export const INTAKE_DELAY_MS = 30_000;

/**
 * How soon an intake that found another process posting the message looks again (it finds the message there, as a
 * rule), rather than waiting out that process's whole claim.
 * @defaultValue 5000
 */
export const INTAKE_RECHECK_MS = 5000;

export interface IntakeDeps {
  start: StartDeps;
  /** Posts the assessment's first message unless another process has or is about to (the chat adapter's publisher). */
  publishMessage: PublishAssessmentMessage;
  /** Whether the bot refused the run (told the person it did not start): then the intake does nothing. */
  refusals: IntakeRefusals;
  /** See INTAKE_DELAY_MS: how long the bot is given to post the message of an assessment it recorded. @defaultValue 30000 */
  delayMs?: number | undefined;
}

/**
 * has_message: the bot did its part (the usual case). posted: this job posted the message; `recorded` when it also
 * recorded the assessment (the bot died before it could). wait: try again at `until`, the bot may still post
 * (`bot_may_post`) or another process holds the claim to post (`being_posted`). refused: the bot told the person the
 * run did not start (or that its message cannot be posted), so nothing was recorded or posted.
 */
export type IntakeOutcome =
  | { outcome: 'has_message'; assessmentId: string }
  | { outcome: 'posted'; assessmentId: string; recorded: boolean; messageTs: string }
  | { outcome: 'wait'; assessmentId: string; until: Date; why: 'bot_may_post' | 'being_posted' }
  | { outcome: 'refused' }
  | { outcome: 'unknown_target'; detail: string }
  | { outcome: 'unavailable'; dependency: Unavailable; detail: string };

export type IntakeStep = { step: 'done' } | { step: 'wait'; until: Date } | { step: 'publish' };

/**
 * What the intake does about the assessment it found or recorded: nothing once it has its message; otherwise post
 * it, unless the bot recorded it less than `delayMs` ago (it waited in the bot's limiter), which leaves the bot the
 * full delay to post it, as it had for a command recorded at once.
 */
export function intakeStep(assessment: { messageTs: string | null; createdAt: Date }, created: boolean, now: Date, delayMs: number): IntakeStep {
  if (assessment.messageTs !== null) return { step: 'done' };
  if (created) return { step: 'publish' };
  const due = assessment.createdAt.getTime() + delayMs;
  return now.getTime() < due ? { step: 'wait', until: new Date(due) } : { step: 'publish' };
}

/**
 * The worker's half of a `/readiness run`, after the bot had its chance: nothing if the bot refused the run; else
 * records the assessment if the bot did not (startAssessment is idempotent by requestKey, and queues its flow as
 * usual), and makes sure it has its message.
 */
export async function settleIntake(deps: IntakeDeps, request: NewAssessment): Promise<IntakeOutcome> {
  // Asked on every run of the job (a wait comes back here too): a refusal made while it waited still wins.
  if (await deps.refusals.wasRefused(request.requestKey)) return { outcome: 'refused' };
  const started = await startAssessment(deps.start, request);
  if (!started.ok) {
    return started.reason === 'unknown_target'
      ? { outcome: 'unknown_target', detail: started.detail }
      : { outcome: 'unavailable', dependency: started.dependency, detail: started.detail };
  }
  const { assessment, created } = started;
  const step = intakeStep(assessment, created, deps.start.now(), deps.delayMs ?? INTAKE_DELAY_MS);
  if (step.step === 'done') return { outcome: 'has_message', assessmentId: assessment.id };
  if (step.step === 'wait') return { outcome: 'wait', assessmentId: assessment.id, until: step.until, why: 'bot_may_post' };

  const published = await deps.publishMessage(assessment);
  switch (published.outcome) {
    case 'posted':
      return { outcome: 'posted', assessmentId: assessment.id, recorded: created, messageTs: published.messageTs };
    case 'already_posted':
      return { outcome: 'has_message', assessmentId: assessment.id };
    case 'being_posted': {
      const recheck = deps.start.now().getTime() + INTAKE_RECHECK_MS;
      return {
        outcome: 'wait',
        assessmentId: assessment.id,
        until: new Date(Math.min(recheck, published.claimExpiresAt.getTime())),
        why: 'being_posted',
      };
    }
  }
}
