import { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';

export type RedisRole = 'producer' | 'worker';

/**
 * Producers (the Slack-facing bot) fail fast when Redis is away so the user hears about it at once;
 * workers wait and reconnect, as BullMQ requires of blocking connections (maxRetriesPerRequest: null).
 */
export function createRedis(url: string, role: RedisRole, logger: Logger): Redis {
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2000);
  const redis =
    role === 'producer'
      ? new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy })
      : new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false, retryStrategy });
  let reported = false;
  redis.on('error', (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt; say it once per outage.
    if (!reported) logger.warn('redis unavailable', { role, err: error.message });
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info('redis available again', { role });
    reported = false;
  });
  return redis;
}
