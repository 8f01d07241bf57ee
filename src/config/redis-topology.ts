// How the environment describes Redis (one server, Sentinel or Cluster), read without a Redis client: the env
// schema validates it here, and src/queue turns it into ioredis options.

/** A `host:port` of a Sentinel or a Cluster node. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * How Readiness reaches Redis: one server (REDIS_URL), the master a Sentinel group names (REDIS_SENTINELS), or a
 * Cluster (REDIS_CLUSTER_NODES). Credentials, database and TLS (`rediss://`) always come from REDIS_URL.
 */
export type RedisTopology =
  | { kind: 'single' }
  | { kind: 'sentinel'; sentinels: RedisNode[]; name: string; sentinelPassword: string | undefined }
  | { kind: 'cluster'; nodes: RedisNode[] };

/** `host:port,host:port` (IPv6 addresses in brackets); undefined when a part is not one. */
export function parseRedisNodes(text: string): RedisNode[] | undefined {
  const nodes = text.split(',').map((part) => /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(part.trim()));
  if (nodes.some((match) => match === null)) return undefined;
  const parsed = nodes.map((match) => ({ host: (match?.[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port: Number(match?.[2]) }));
  return parsed.every((node) => node.port > 0 && node.port <= 65535) ? parsed : undefined;
}

/** What REDIS_URL says besides where the server is: who to log in as, which database, whether to use TLS. */
export interface RedisUrlParts {
  username?: string;
  password?: string;
  db?: number;
  tls: boolean;
}

/** Reads REDIS_URL's credentials, database and scheme (`rediss://` means TLS). */
export function redisUrlParts(url: string): RedisUrlParts {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.replace(/^\//, '') || '0');
  return {
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== '' ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    tls: parsed.protocol === 'rediss:',
  };
}

/** The Redis variables of the environment, as the env schema has read them. */
export interface RedisTopologyEnv {
  REDIS_URL: string;
  QUEUE_PREFIX: string;
  REDIS_SENTINELS?: string | undefined;
  REDIS_SENTINEL_NAME?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_CLUSTER_NODES?: string | undefined;
}

/** What is wrong with the combination of Redis variables, each as `[variable, sentence]`; empty when it holds together. */
export function redisTopologyProblems(env: RedisTopologyEnv): [string, string][] {
  const problems: [string, string][] = [];
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_CLUSTER_NODES !== undefined) {
    problems.push(['REDIS_CLUSTER_NODES', 'set REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both']);
  }
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_NAME === undefined) {
    problems.push(['REDIS_SENTINEL_NAME', 'required with REDIS_SENTINELS: the name of the master the Sentinels watch (such as mymaster)']);
  }
  if (env.REDIS_SENTINELS === undefined && (env.REDIS_SENTINEL_NAME !== undefined || env.REDIS_SENTINEL_PASSWORD !== undefined)) {
    problems.push([
      env.REDIS_SENTINEL_NAME !== undefined ? 'REDIS_SENTINEL_NAME' : 'REDIS_SENTINEL_PASSWORD',
      'only means something with REDIS_SENTINELS (the Sentinels to ask)',
    ]);
  }
  if (env.REDIS_CLUSTER_NODES !== undefined) {
    if (!/^\{[A-Za-z0-9_-]+\}$/.test(env.QUEUE_PREFIX)) {
      problems.push([
        'QUEUE_PREFIX',
        `must be a hash tag such as {${env.QUEUE_PREFIX.replace(/[{}]/g, '')}} on a Redis Cluster, so each queue's keys share a slot (docs/operations.md)`,
      ]);
    }
    if (redisUrlParts(env.REDIS_URL).db !== undefined)
      problems.push(['REDIS_URL', 'a Redis Cluster has database 0 only: drop the /<db> from the URL']);
  }
  return problems;
}

/** The topology the environment describes (after redisTopologyProblems found nothing wrong). */
export function redisTopologyOf(env: RedisTopologyEnv): RedisTopology {
  if (env.REDIS_CLUSTER_NODES !== undefined) return { kind: 'cluster', nodes: parseRedisNodes(env.REDIS_CLUSTER_NODES) ?? [] };
  if (env.REDIS_SENTINELS !== undefined) {
    return {
      kind: 'sentinel',
      sentinels: parseRedisNodes(env.REDIS_SENTINELS) ?? [],
      name: env.REDIS_SENTINEL_NAME ?? '',
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
    };
  }
  return { kind: 'single' };
}
