import type { Digest, DigestData, DigestPeriod } from './digest.types.ts';

/** A digest post to be made, as its job asks for it. */
export interface DigestRunClaim {
  key: string;
  digest: string;
  slotAt: Date;
  periodFrom: Date;
  channelId: string;
  requestedBy: string;
}

export type DigestPostOutcome = { posted: true; messageTs: string } | { posted: false; reason: 'already_posted'; messageTs: string | null };

/** What posting a digest left: where it is, and the figures recorded with the run. */
export interface PostedDigest {
  messageTs: string;
  summary: Record<string, unknown>;
}

/** Digest runs (claimed before posting, so each slot is posted once) and the read-only queries a digest is built from. */
export interface DigestRepository {
  /**
   * Posts a digest run at most once: the run is claimed, then held while `post` runs, so a second delivery of the
   * same job (another replica, a redelivery) waits and then finds it posted. A crash between the post and its
   * record leaves it pending, and the retry posts it again.
   */
  postOnce(claim: DigestRunClaim, post: () => Promise<PostedDigest>): Promise<DigestPostOutcome>;
  /** Everything a digest of these services shows for one period; `now` is when "still open" is judged. */
  loadDigestData(services: readonly string[], period: DigestPeriod, now: Date): Promise<DigestData>;
}

/** Where digests are posted; the adapter decides the words. Throws what the chat client throws. */
export interface DigestPublisher {
  /** Posts the digest as of `at` into the channel. */
  publish(channel: string, digest: Digest, at: Date): Promise<{ messageTs: string }>;
}

/** What a digest job carries: names and times only (the worker reads the rest from readiness.yaml and the database). */
export interface DigestJob {
  digest: string;
  /** ISO time: the scheduled minute, or when it was asked for. */
  slot: string;
  key: string;
  requestedBy: string;
}

export interface DigestScheduler {
  /** Enqueues one digest post; the same key twice is one job, however many replicas ask. */
  enqueueDigest(job: DigestJob): Promise<void>;
}
