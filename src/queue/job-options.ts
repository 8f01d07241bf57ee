import type { JobsOptions } from 'bullmq';

/** Kept long enough to debug a run, short enough that Redis does not grow without bound. */
const retention = {
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} satisfies JobsOptions;

export const jobOptions = {
  /** Checks retry only infrastructure failures (a check that fails is a result, not an error). */
  check: { ...retention, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, ignoreDependencyOnFailure: true },
  assessment: { ...retention, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
  render: { ...retention, attempts: 8, backoff: { type: 'exponential', delay: 1000 } },
  /** Retries also wait for the assessment message to be posted (its thread is where the report goes). */
  report: { ...retention, attempts: 8, backoff: { type: 'exponential', delay: 1000 } },
  signoff: { ...retention, attempts: 8, backoff: { type: 'exponential', delay: 1000 } },
  /** A phase that throws (not a task that fails: that is recorded) retries; its finished tasks are skipped. */
  deployment: { ...retention, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
  /** A digest retries through a Slack or database outage of up to about an hour, then gives up. */
  digest: { ...retention, attempts: 12, backoff: { type: 'exponential', delay: 2000 } },
  /** An intake retries through a database or Slack outage of up to about an hour, like a digest. */
  intake: { ...retention, attempts: 12, backoff: { type: 'exponential', delay: 2000 } },
  /** A purge retries through a database outage of a few hours; the next day's purge catches up anyway. */
  maintenance: { ...retention, attempts: 8, backoff: { type: 'exponential', delay: 60_000 } },
} satisfies Record<string, JobsOptions>;
