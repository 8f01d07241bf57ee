import { schedule, type ScheduledTask } from 'node-cron';
import type { DigestsConfig } from '../src/digests/digest-config.ts';
import { previousSlot, slotOf } from '../src/digests/digest-schedule.ts';
import { scheduledDigestKey } from '../src/digests/post-digest.ts';
import type { DigestScheduler } from '../src/digests/digest.ports.ts';
import { errorFields, type Logger } from '../src/shared/logger.ts';

/**
 * A slot missed while no bot was running (a deploy, a crash) is still posted when a bot starts within this long
 * after it; an older one is skipped, since a digest hours late is noise. @defaultValue 1 hour
 */
export const DIGEST_CATCH_UP_MS = 3600_000;

export interface DigestScheduleDeps {
  digests: DigestsConfig;
  scheduler: DigestScheduler;
  logger: Logger;
  now?: () => Date;
  /** @defaultValue DIGEST_CATCH_UP_MS */
  catchUpMs?: number;
}

export interface RunningSchedules {
  stop(): Promise<void>;
}

/**
 * Each digest's cron schedule, in its time zone. A tick only enqueues the slot's job; its id comes from the digest
 * and the minute, so every bot replica enqueues the same job and the digest is posted once. On start, the latest
 * slot within the catch-up window is enqueued as well; the worker skips it if it was posted already.
 */
export function startDigestSchedules(deps: DigestScheduleDeps): RunningSchedules {
  const now = deps.now ?? (() => new Date());
  const enqueue = async (digest: string, slot: Date, why: 'scheduled' | 'catch-up') => {
    try {
      await deps.scheduler.enqueueDigest({ digest, slot: slot.toISOString(), key: scheduledDigestKey(digest, slot), requestedBy: 'system' });
      deps.logger.debug('digest enqueued', { digest, slot: slot.toISOString(), why });
    } catch (error) {
      // Another replica may still enqueue it; the catch-up of the next start will if none did.
      deps.logger.error('could not enqueue a digest', { digest, slot: slot.toISOString(), why, ...errorFields(error) });
    }
  };
  const tasks: ScheduledTask[] = Object.entries(deps.digests).map(([name, digest]) =>
    schedule(digest.schedule, (context) => enqueue(name, slotOf(context.date), 'scheduled'), { timezone: digest.timezone, name: `digest:${name}` }),
  );
  for (const [name, digest] of Object.entries(deps.digests)) {
    const current = now();
    const missed = previousSlot(digest, new Date(current.getTime() + 1), deps.catchUpMs ?? DIGEST_CATCH_UP_MS);
    if (missed) void enqueue(name, missed, 'catch-up');
  }
  return {
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()));
    },
  };
}
