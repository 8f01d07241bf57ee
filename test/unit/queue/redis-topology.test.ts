import { describe, expect, it } from 'vitest';
import { type ConfigError, Env, parseEnv, WorkerEnv } from '../../../src/config/env.ts';
import { parseRedisNodes, redisTopologyOf } from '../../../src/config/redis-topology.ts';
import { clusterOptions, redisCredentials, sentinelOptions } from '../../../src/queue/redis-topology.ts';

const HTTP_MODE = { SLACK_BOT_TOKEN: 'xoxb-123-456-abc', SLACK_SIGNING_SECRET: 'shh-secret' };
const problemsOf = (schema: typeof Env | typeof WorkerEnv, env: Record<string, string>) => {
  try {
    parseEnv(schema, { ...HTTP_MODE, ...env });
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('parseRedisNodes', () => {
  it('reads host:port lists, IPv6 in brackets', () => {
    expect(parseRedisNodes('sentinel-0:26379, sentinel-1.redis.svc:26379')).toEqual([
      { host: 'sentinel-0', port: 26379 },
      { host: 'sentinel-1.redis.svc', port: 26379 },
    ]);
    expect(parseRedisNodes('[fd00::1]:6379')).toEqual([{ host: 'fd00::1', port: 6379 }]);
  });

  it('refuses a node without a port, or with one out of range', () => {
    for (const text of ['sentinel-0', 'a:1,b', 'a:0', 'a:70000', 'redis://a:1', '']) expect(parseRedisNodes(text), text).toBeUndefined();
  });
});

describe('REDIS_URL credentials for Sentinel and Cluster', () => {
  it('takes user, password, database and TLS from the URL, never its host', () => {
    expect(redisCredentials('rediss://app:p%40ss@ignored:6380/2')).toEqual({ username: 'app', password: 'p@ss', db: 2, tls: {} });
    expect(redisCredentials('redis://ignored:6379')).toEqual({});
  });

  it('asks the Sentinels for the master and connects to it with TLS when the URL says rediss://', () => {
    const topology = redisTopologyOf({
      REDIS_URL: 'rediss://:pw@x/1',
      QUEUE_PREFIX: 'readiness',
      REDIS_SENTINELS: 's0:26379,s1:26379',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_SENTINEL_PASSWORD: 'spw',
    });
    expect(topology.kind).toBe('sentinel');
    if (topology.kind !== 'sentinel') return;
    expect(sentinelOptions('rediss://:pw@x/1', topology)).toEqual({
      password: 'pw',
      db: 1,
      tls: {},
      sentinels: [
        { host: 's0', port: 26379 },
        { host: 's1', port: 26379 },
      ],
      name: 'mymaster',
      sentinelPassword: 'spw',
      enableTLSForSentinelMode: true,
    });
  });

  it("gives every Cluster node the URL's credentials", () => {
    expect(clusterOptions('redis://:pw@x', { connectTimeout: 3000 })).toEqual({ redisOptions: { password: 'pw', connectTimeout: 3000 } });
    expect(redisTopologyOf({ REDIS_URL: 'redis://x', QUEUE_PREFIX: '{r}', REDIS_CLUSTER_NODES: 'a:7000,b:7001' })).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
    expect(redisTopologyOf({ REDIS_URL: 'redis://x', QUEUE_PREFIX: 'r' })).toEqual({ kind: 'single' });
  });
});

describe('the Redis variables, together', () => {
  it('needs the master name with Sentinels, for bots and workers alike', () => {
    for (const schema of [Env, WorkerEnv]) {
      expect(problemsOf(schema, { REDIS_SENTINELS: 's0:26379' })).toEqual([
        'REDIS_SENTINEL_NAME: required with REDIS_SENTINELS: the name of the master the Sentinels watch (such as mymaster)',
      ]);
    }
    expect(problemsOf(WorkerEnv, { REDIS_SENTINEL_NAME: 'mymaster' })).toEqual([
      'REDIS_SENTINEL_NAME: only means something with REDIS_SENTINELS (the Sentinels to ask)',
    ]);
    expect(problemsOf(Env, { REDIS_SENTINELS: 's0', REDIS_SENTINEL_NAME: 'mymaster' })).toEqual([
      'REDIS_SENTINELS: must be host:port pairs separated by commas, such as sentinel-0:26379,sentinel-1:26379',
    ]);
  });

  it('needs a hash-tag prefix and database 0 on a Cluster, and refuses Sentinel and Cluster at once', () => {
    expect(problemsOf(WorkerEnv, { REDIS_CLUSTER_NODES: 'a:7000', REDIS_URL: 'redis://a:7000/3' })).toEqual([
      "QUEUE_PREFIX: must be a hash tag such as {readiness} on a Redis Cluster, so each queue's keys share a slot (docs/operations.md)",
      'REDIS_URL: a Redis Cluster has database 0 only: drop the /<db> from the URL',
    ]);
    expect(problemsOf(Env, { REDIS_CLUSTER_NODES: 'a:7000', QUEUE_PREFIX: '{readiness}' })).toEqual([]);
    expect(problemsOf(Env, { REDIS_CLUSTER_NODES: 'a:7000', QUEUE_PREFIX: '{readiness}', REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'm' })).toEqual(
      ['REDIS_CLUSTER_NODES: set REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both'],
    );
  });
});
