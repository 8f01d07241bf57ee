import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import type { DigestConfig } from './digest-config.ts';
import type { Digest, DigestPeriod } from './digest.types.ts';
import type { DigestPublisher, DigestRepository } from './digest.ports.ts';
import { buildDigest } from './build-digest.ts';
import { digestPeriod, digestTargets } from './digest-schedule.ts';

/** One digest post, for one scheduled slot. */
export interface DigestRequest {
  digest: string;
  /** The scheduled minute: the end of the period the digest covers. */
  slot: Date;
  /** A Slack user id, or "system" for a scheduled post. */
  requestedBy: string;
  /** Identifies the post: the same key is posted once. */
  key: string;
}

export interface PostDigestDeps {
  config: Pick<ReadinessConfig, 'services' | 'digests'>;
  digests: DigestRepository;
  publisher: DigestPublisher;
  now: () => Date;
}

export type UnknownDigest = { ok: false; reason: 'unknown_digest'; known: string[] };
export type PostDigestResult = { ok: true; posted: boolean; channel: string; messageTs: string | null } | UnknownDigest;
/** The digest and the moment it shows: the Slack side renders it as of `at`. */
export type PreviewDigestResult = { ok: true; digest: Digest; at: Date } | UnknownDigest;

export const DEFAULT_DIGEST_TITLE = 'Readiness digest';

/** The key of a scheduled slot: one post per digest per minute it fires. */
export const scheduledDigestKey = (digest: string, slot: Date) => `${digest}@${slot.toISOString()}`;

function digestConfig(deps: Pick<PostDigestDeps, 'config'>, name: string): DigestConfig | UnknownDigest {
  const config = Object.hasOwn(deps.config.digests, name) ? deps.config.digests[name] : undefined;
  return config ?? { ok: false, reason: 'unknown_digest', known: Object.keys(deps.config.digests) };
}

/** Reads what happened to the digest's services in the period (see digestPeriod), and builds the digest. */
async function composeDigest(
  deps: Pick<PostDigestDeps, 'config' | 'digests'>,
  name: string,
  config: DigestConfig,
  period: DigestPeriod,
  now: Date,
): Promise<Digest> {
  const targets = digestTargets(deps.config, config);
  const data = await deps.digests.loadDigestData([...new Set(targets.map((target) => target.service))], period, now);
  return buildDigest(
    { name, title: config.title ?? DEFAULT_DIGEST_TITLE, period, targets, includeUnscopedIncidents: config.services === undefined },
    data,
  );
}

/**
 * Builds and posts one scheduled digest into its channel, at most once per key. A digest that readiness.yaml no
 * longer defines (a job queued before the config changed) is reported, not posted.
 */
export async function postDigest(deps: PostDigestDeps, request: DigestRequest): Promise<PostDigestResult> {
  const config = digestConfig(deps, request.digest);
  if ('ok' in config) return config;
  const channel = config.channel;
  const period = digestPeriod(config, request.slot);
  const outcome = await deps.digests.postOnce(
    { key: request.key, digest: request.digest, slotAt: request.slot, periodFrom: period.from, channelId: channel, requestedBy: request.requestedBy },
    async () => {
      const at = deps.now();
      const digest = await composeDigest(deps, request.digest, config, period, at);
      const { messageTs } = await deps.publisher.publish(channel, digest, at);
      return { messageTs, summary: { totals: digest.totals, attention: digest.attention.length, targets: digest.targets.length } };
    },
  );
  return { ok: true, posted: outcome.posted, channel, messageTs: outcome.messageTs };
}

/** The digest as it would be posted now: since the schedule's last slot up to this moment (`/readiness digest`). */
export async function previewDigest(deps: Pick<PostDigestDeps, 'config' | 'digests' | 'now'>, name: string): Promise<PreviewDigestResult> {
  const config = digestConfig(deps, name);
  if ('ok' in config) return config;
  const now = deps.now();
  return { ok: true, digest: await composeDigest(deps, name, config, digestPeriod(config, now), now), at: now };
}
