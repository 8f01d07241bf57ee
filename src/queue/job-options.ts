import type { BackoffStrategy, JobsOptions } from 'bullmq';
import { infrastructureBackoffMs } from '../assessments/infrastructure-retry.ts';

/** Kept long enough to debug a run, short enough that Redis does not grow without bound. */
const retention = {
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} satisfies JobsOptions;

/** The backoff type of jobs that retry through an outage of ours: see infrastructureBackoffMs. */
export const INFRASTRUCTURE_BACKOFF = 'infrastructure';

/** Every worker's custom backoff strategies (BullMQ asks the worker for any type it does not know). */
export const backoffStrategy: BackoffStrategy = (attemptsMade, type) => {
  if (type === INFRASTRUCTURE_BACKOFF) return infrastructureBackoffMs(attemptsMade);
  throw new Error(`unknown backoff type ${type ?? '(none)'}`);
};

const infrastructureRetry = { backoff: { type: INFRASTRUCTURE_BACKOFF } } satisfies JobsOptions;

export const jobOptions = {
  /**
   * Checks retry only infrastructure failures (a check that fails is a result, not an error), and for as long as
   * the retry window (INFRA_RETRY_WINDOW_MS) allows: the processor gives up once it has passed, so the attempts
   * here are only a ceiling (1,000 at 5 s is over an hour).
   */
  check: { ...retention, ...infrastructureRetry, attempts: 1000, ignoreDependencyOnFailure: true },
  /**
   * The verdict (or "could not assess") is written once the database answers again: retried every 5 s for about
   * 15 minutes; past that the recovery sweep re-runs it.
   */
  assessment: { ...retention, ...infrastructureRetry, attempts: 200 },
  render: { ...retention, attempts: 8, backoff: { type: 'exponential', delay: 1000 } },
  /** Retries also wait for the assessment message to be posted (its thread is where the report goes). */
  report: { ...retention, attempts: 8, backoff: { type: 'exponential', delay: 1000 } },
  signoff: { ...retention, attempts: 8, backoff: { type: 'exponential', delay: 1000 } },
  /**
   * A phase that throws (not a task that fails: that is recorded) retries; its finished tasks are skipped. Our
   * database or Redis failing is retried every 5 s at most for about 15 minutes (the deployment waits, it is not
   * failed for it); any other throw fails for good after DEPLOYMENT_ERROR_ATTEMPTS (jobs/deployment.ts).
   */
  deployment: { ...retention, ...infrastructureRetry, attempts: 200 },
  /** A digest retries through a Slack or database outage of up to about an hour, then gives up. */
  digest: { ...retention, attempts: 12, backoff: { type: 'exponential', delay: 2000 } },
  /** An intake retries through a database or Slack outage of up to about an hour, like a digest. */
  intake: { ...retention, attempts: 12, backoff: { type: 'exponential', delay: 2000 } },
  /** A purge retries through a database outage of a few hours; the next day's purge catches up anyway. */
  maintenance: { ...retention, attempts: 8, backoff: { type: 'exponential', delay: 60_000 } },
} satisfies Record<string, JobsOptions>;

/**
 * How every worker holds the jobs it runs. A worker renews its lock on each running job while its event loop
 * lives (BullMQ's lock manager: every `lockRenewTime / 2` it extends the locks older than that), so a check that
 * runs longer than the lock keeps it; only a process that died (or froze for 8 s) lets it expire. Another
 * worker's stall check then puts the job back in the queue: a killed worker's job runs elsewhere 8–13 s after the
 * kill (lock left 8–10 s, then the next stall check within 3 s), against BullMQ's defaults of 30 s + 30 s (64–79 s
 * measured).
 */
export const workerLocks = {
  /** @defaultValue 10000: the most a killed worker's job waits for its lock to expire. */
  lockDuration: 10_000,
  /** @defaultValue 2000: each lock is renewed every 1–2 s, so a kill leaves at least 8 s of it, never much less. */
  lockRenewTime: 2_000,
  /** @defaultValue 3000: how often some worker (one per interval, across replicas) looks for expired locks. */
  stalledInterval: 3_000,
  /**
   * A job whose worker died with it twice goes back to the queue both times; the third time it fails for good
   * (a check is then recorded as ERROR with the reason, so one poison check cannot kill workers forever).
   * @defaultValue 2
   */
  maxStalledCount: 2,
} as const;

/** How long a worker told to stop (SIGTERM) waits for its running jobs before handing them to another worker. */
export const WORKER_STOP_GRACE_MS = 10_000;
