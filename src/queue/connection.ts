import { Cluster, Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import type { RedisTopology } from '../config/redis-topology.ts';
import { clusterOptions, sentinelOptions, type RedisOptions } from './redis-topology.ts';

export type RedisRole = 'producer' | 'worker';
/** A connection BullMQ and the readiness probe use alike: one server (direct or through Sentinel) or a Cluster. */
export type RedisConnection = Redis | Cluster;

/**
 * Producers (the Slack-facing bot) fail fast when Redis is away so the user hears about it at once;
 * workers wait and reconnect, as BullMQ requires of blocking connections (maxRetriesPerRequest: null).
 */
export function createRedis(url: string, role: RedisRole, logger: Logger, topology: RedisTopology = { kind: 'single' }): RedisConnection {
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2000);
  const options: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy }
      : { maxRetriesPerRequest: null, enableReadyCheck: false, retryStrategy };
  const redis =
    topology.kind === 'cluster'
      ? new Cluster(topology.nodes, {
          ...clusterOptions(url, { connectTimeout: options.connectTimeout ?? 10_000 }),
          enableOfflineQueue: options.enableOfflineQueue ?? true,
          enableReadyCheck: options.enableReadyCheck ?? true,
          maxRetriesPerRequest: options.maxRetriesPerRequest ?? null,
          clusterRetryStrategy: retryStrategy,
        } as ConstructorParameters<typeof Cluster>[1])
      : topology.kind === 'sentinel'
        ? new Redis({ ...sentinelOptions(url, topology), ...options })
        : new Redis(url, options);
  let reported = false;
  redis.on('error', (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt; say it once per outage.
    if (!reported) logger.warn('redis unavailable', { role, topology: topology.kind, err: error.message });
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info('redis available again', { role });
    reported = false;
  });
  return redis;
}
