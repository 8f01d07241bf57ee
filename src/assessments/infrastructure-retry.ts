/**
 * What happens when our own infrastructure (the database, Redis) fails while an assessment runs: the work is
 * retried with backoff for a window, and past it the assessment ends "could not assess" with the cause, never
 * GO or NO-GO. A verdict is about the service, so an outage of ours must never produce one.
 */

/** What did not answer: named in the cause shown to people. */
export type InfrastructureComponent = 'database' | 'redis' | 'internal';

/**
 * How long a check keeps retrying while our infrastructure fails, from its first failure.
 * @defaultValue 60000
 */
export const DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS = 60_000;

/**
 * How often a check is tried when it throws for another reason (its runner crashed: our egress set-up, a bug) before
 * that check alone is recorded ERROR — not FAIL, it says nothing about the service — and the verdict is still given.
 * @defaultValue 3
 */
export const CHECK_ERROR_ATTEMPTS = 3;

/**
 * retry: try again after the backoff. give_up: the database or Redis stayed down past the window, the assessment
 * is "could not assess". check_error: this check could not run for a reason of ours; it is recorded ERROR.
 */
export type InfrastructureRetryDecision = { action: 'retry' } | { action: 'give_up'; cause: string } | { action: 'check_error'; reason: string };

const WHAT_FAILED: Record<InfrastructureComponent, string> = {
  database: 'the database did not answer',
  redis: 'the job queue (Redis) did not answer',
  internal: 'Readiness itself kept failing',
};

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The one sentence for an assessment our infrastructure could not finish, e.g. "the database did not answer for 60 s". */
export function infrastructureCause(component: InfrastructureComponent, windowMs: number, detail?: string): string {
  const base = `${WHAT_FAILED[component]} for ${seconds(windowMs)}`;
  return detail ? `${base} (${detail})` : base;
}

/**
 * The database or Redis failing: retry while the failure is younger than the window, then give up with the cause.
 * Anything else: retry up to CHECK_ERROR_ATTEMPTS attempts, then record the check as ERROR. Pure.
 */
export function decideInfrastructureRetry(input: {
  failingSince: number;
  now: number;
  windowMs: number;
  /** This attempt's number, from 1. */
  attempt: number;
  component: InfrastructureComponent;
  detail?: string | undefined;
}): InfrastructureRetryDecision {
  if (input.component === 'internal') {
    return input.attempt < CHECK_ERROR_ATTEMPTS ? { action: 'retry' } : { action: 'check_error', reason: input.detail ?? 'the check runner failed' };
  }
  if (input.now - input.failingSince < input.windowMs) return { action: 'retry' };
  return { action: 'give_up', cause: infrastructureCause(input.component, input.windowMs, input.detail) };
}

/** Prefixes the reason a check job gives up with, so the assessment job can tell our outage from anything else. */
const GIVE_UP_MARKER = 'infrastructure unavailable: ';

export const infrastructureGiveUpReason = (cause: string) => `${GIVE_UP_MARKER}${cause}`;

/** The cause in a check job's give-up reason, when it gave up because of our infrastructure. */
export function infrastructureCauseOf(reason: string): string | undefined {
  const at = reason.indexOf(GIVE_UP_MARKER);
  return at < 0 ? undefined : reason.slice(at + GIVE_UP_MARKER.length);
}

/**
 * The wait before retry `attemptsMade`: doubling from 500 ms, at most 5 s, so an outage that ends is noticed
 * within 5 s and a long one costs one attempt per 5 s.
 */
export function infrastructureBackoffMs(attemptsMade: number): number {
  return Math.min(5000, 500 * 2 ** Math.max(0, attemptsMade - 1));
}

/**
 * The longest gap between two failures of our infrastructure in one job that still makes one outage. A retry comes at
 * most 5 s (infrastructureBackoffMs) after the failure before it, plus a 3 s connect timeout and a busy worker's
 * delay; a gap well past that means the job got on with its work in between (say 5 minutes of tasks), so the next
 * failure starts a new outage instead of counting those minutes as time the database did not answer.
 * @defaultValue 30000
 */
export const OUTAGE_GAP_MS = 30_000;

/** One run of consecutive outage failures of a job: when the first and the latest happened (ms since the epoch). */
export interface OutageRun {
  since: number;
  lastAt: number;
}

/** The outage still under way at `now`, or undefined when its latest failure is too long ago to be part of one. */
export function currentOutage(run: OutageRun | undefined, now: number): OutageRun | undefined {
  return run && now - run.lastAt <= OUTAGE_GAP_MS ? run : undefined;
}

/** The outage after one more failure at `now`: the current one goes on, or a new one starts. Pure. */
export function extendOutage(run: OutageRun | undefined, now: number): OutageRun {
  return { since: currentOutage(run, now)?.since ?? now, lastAt: now };
}
