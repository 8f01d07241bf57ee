import type { ClusterOptions, RedisOptions as IoRedisOptions } from 'ioredis';
import { redisUrlParts, type RedisTopology } from '../config/redis-topology.ts';

/** ioredis's options without `replyMapping`, whose declared type its own constructor refuses under exactOptionalPropertyTypes. */
export type RedisOptions = Omit<IoRedisOptions, 'replyMapping'>;

/** What REDIS_URL says besides where the server is, as ioredis options. */
export function redisCredentials(url: string): Pick<RedisOptions, 'username' | 'password' | 'db' | 'tls'> {
  const { tls, ...parts } = redisUrlParts(url);
  return { ...parts, ...(tls ? { tls: {} } : {}) };
}

/** ioredis options for a Sentinel-managed master: the master's address comes from the Sentinels, the rest from REDIS_URL. */
export function sentinelOptions(url: string, topology: Extract<RedisTopology, { kind: 'sentinel' }>): RedisOptions {
  const credentials = redisCredentials(url);
  return {
    ...credentials,
    sentinels: topology.sentinels,
    name: topology.name,
    ...(topology.sentinelPassword !== undefined ? { sentinelPassword: topology.sentinelPassword } : {}),
    // TLS to the master (rediss://) is not implied for Sentinel connections by ioredis; say so.
    ...(credentials.tls !== undefined ? { enableTLSForSentinelMode: true } : {}),
  };
}

/** ioredis Cluster options: every node is reached with REDIS_URL's credentials and TLS. */
export function clusterOptions(url: string, perNode: RedisOptions): ClusterOptions {
  const { db: _db, ...credentials } = redisCredentials(url);
  return { redisOptions: { ...credentials, ...perNode } };
}
