import type { Job } from 'bullmq';
import { z } from 'zod';
import { Slug } from '../src/config/readiness-config.schema.ts';
import { postDigest, type PostDigestDeps } from '../src/digests/post-digest.ts';
import type { Logger } from '../src/shared/logger.ts';
import { parseJobData } from './job-data.ts';
import { throwForSlackFailure } from './slack-failure.ts';

export const DigestJobData = z.object({
  digest: Slug,
  slot: z.iso.datetime(),
  key: z.string().min(1).max(200),
  requestedBy: z.string().min(1),
});

export interface DigestJobDeps extends PostDigestDeps {
  logger: Logger;
  /** Pauses the digests queue (every replica) when Slack answers 429. */
  pauseQueue: (ms: number) => Promise<void>;
}

/** Posts one scheduled digest, once per key. */
export function digestProcessor(deps: DigestJobDeps) {
  return async (job: Job) => {
    const data = parseJobData(DigestJobData, job.data, 'digest');
    const request = { ...data, slot: new Date(data.slot) };
    try {
      const result = await postDigest(deps, request);
      if (!result.ok) deps.logger.warn('digest not posted: readiness.yaml no longer defines it', { digest: data.digest, known: result.known });
      else
        deps.logger.info(result.posted ? 'digest posted' : 'digest already posted', { digest: data.digest, key: data.key, channel: result.channel });
      return result;
    } catch (error) {
      return throwForSlackFailure(error, {
        logger: deps.logger,
        pauseQueue: deps.pauseQueue,
        what: 'the digest',
        fields: { digest: data.digest, key: data.key },
      });
    }
  };
}
