/**
 * Where the whole system stands right now, in the shapes `/metrics` reports: read from the database and the work
 * queues at scrape time by their adapters, or observed by the workers (jobs/), and turned into metrics by
 * src/metrics. Declared here so that neither side imports the other.
 */

/** A service's latest completed assessment in an environment. */
export interface TargetVerdict {
  service: string;
  environment: string;
  verdict: string | null;
  score: number | null;
  completedAt: Date;
}

/** What the database holds right now, in the shape `/metrics` reports it. */
export interface StateCounts {
  assessments: { status: string; count: number }[];
  deployments: { status: string; count: number }[];
  incidents: { status: string; severity: string; count: number }[];
  latest: TargetVerdict[];
  /** Assessments that ended "could not assess" (our own outage) in the last 24 hours: never counted as a verdict. */
  unassessableLastDay: number;
}

/** Read-only counts behind `/metrics`: small grouped queries, cheap enough for every scrape. */
export interface StateCountsRepository {
  /** Work in progress, open incidents, and the latest verdict of each of `services` per environment. */
  stateCounts(services: readonly string[]): Promise<StateCounts>;
}

/** One work queue as a scrape reads it. */
export interface QueueReading {
  queue: string;
  /** Jobs per state: waiting, active, delayed, prioritized, waiting-children, failed. */
  counts: Record<string, number>;
  /** When the oldest waiting job became due (ms since the epoch); undefined when none waits. */
  oldestWaitingSince: number | undefined;
}

/** What the worker's job events report; the metrics count them per queue. */
export interface JobObserver {
  /** A job attempt finished: how long its processor ran, and whether it completed or failed. */
  finished(queue: string, outcome: 'completed' | 'failed', seconds: number | undefined): void;
  /** A job whose worker stopped renewing its lock (died, or its event loop was blocked) and was taken back. */
  stalled(queue: string): void;
}
