import type { Redis } from 'ioredis';
import type { CheckContext, CheckOutcome } from '../checks/check.types.ts';
import { formatBytes, redactRedisUrl, type RedisCheckSpec } from '../checks/specs/redis.ts';

function secretsOf(raw: string): string[] {
  try {
    const url = new URL(raw);
    const password = url.password;
    let decoded = password;
    try {
      decoded = decodeURIComponent(password);
    } catch {
      // keep the raw form
    }
    return [password, decoded].filter((one) => one.length >= 3);
  } catch {
    return [];
  }
}

/** `INFO memory` is `key:value` lines; returns the numeric fields the check reports. */
export function parseInfo(info: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || line.startsWith('#')) continue;
    fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields;
}

export async function runRedisCheck(spec: RedisCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const shownUrl = redactRedisUrl(spec.url);
  const secrets = secretsOf(spec.url);
  const clean = (error: unknown) =>
    secrets.reduce((text, secret) => text.split(secret).join('***'), error instanceof Error ? error.message : String(error)).slice(0, 300);

  try {
    const protocol = new URL(spec.url).protocol;
    if (protocol !== 'redis:' && protocol !== 'rediss:') throw new Error('not redis');
  } catch {
    return { status: 'ERROR', message: `the url ${shownUrl} is not a redis:// or rediss:// URL; fix the check`, evidence: { url: shownUrl } };
  }

  const redis = await createClient(spec);
  // Without a listener, a connection error is an unhandled 'error' event and takes the process down. The
  // event also carries the real cause (ECONNREFUSED, WRONGPASS); connect() itself only says "Connection is closed."
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  const onAbort = () => redis.disconnect();
  context.signal.addEventListener('abort', onAbort, { once: true });

  try {
    const startedAt = context.now();
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      if (context.signal.aborted) throw error;
      const cause = lastError ?? error;
      const code = (cause as { code?: unknown }).code;
      return {
        status: 'FAIL',
        message: `cannot connect to Redis at ${shownUrl}: ${clean(cause)}`,
        evidence: { url: shownUrl, error: clean(cause), ...(typeof code === 'string' ? { code } : {}) },
      };
    }
    const latencyMs = Math.round(context.now() - startedAt);
    const evidence: Record<string, unknown> = { url: shownUrl, latencyMs };
    const ceilings = spec.maxMemoryBytes !== undefined || spec.warnMemoryBytes !== undefined;

    let used: number | undefined;
    try {
      used = await readUsedMemory(redis, evidence);
    } catch (error) {
      if (context.signal.aborted) throw error;
      // Some managed Redis services disable INFO; that only matters when a memory ceiling needs it.
      if (ceilings) return { status: 'ERROR', message: `Redis at ${shownUrl} answered PING but INFO memory failed: ${clean(error)}`, evidence };
    }

    const answered = `Redis at ${shownUrl} answered PING in ${latencyMs} ms`;
    if (!ceilings) return { status: 'PASS', message: answered, evidence };
    return judgeMemory(spec, { shownUrl, answered, used, evidence });
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    redis.disconnect();
  }
}

/** Loaded on the first redis check, not at import: `readiness config validate` never needs the client. */
async function createClient(spec: RedisCheckSpec): Promise<Redis> {
  const { Redis } = await import('ioredis');
  return new Redis(spec.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    connectTimeout: spec.timeoutMs,
    commandTimeout: spec.timeoutMs,
    connectionName: 'readiness-check',
    // A hung server never closes its side; do not wait ioredis' default 2 s for it before destroying the socket.
    disconnectTimeout: 100,
  });
}

/** used_memory from INFO memory (undefined when it is not there), noting what INFO said in `evidence`; rejects when INFO fails. */
async function readUsedMemory(redis: Redis, evidence: Record<string, unknown>): Promise<number | undefined> {
  const info = parseInfo(await redis.info('memory'));
  const parsed = Number(info.used_memory);
  const used = info.used_memory !== undefined && Number.isFinite(parsed) ? parsed : undefined;
  evidence.usedMemoryBytes = used;
  if (info.maxmemory !== undefined) evidence.redisMaxmemoryBytes = Number(info.maxmemory);
  if (info.maxmemory_policy !== undefined) evidence.maxmemoryPolicy = info.maxmemory_policy;
  return used;
}

/** The memory used against the ceilings: FAIL above maxMemoryBytes, WARN above warnMemoryBytes, else PASS. */
function judgeMemory(
  spec: RedisCheckSpec,
  measured: { shownUrl: string; answered: string; used: number | undefined; evidence: Record<string, unknown> },
): CheckOutcome {
  const { shownUrl, answered, used, evidence } = measured;
  if (used === undefined) {
    return { status: 'ERROR', message: `Redis at ${shownUrl} reported no used_memory in INFO memory, so its memory cannot be checked`, evidence };
  }
  evidence.maxMemoryBytes = spec.maxMemoryBytes;
  evidence.warnMemoryBytes = spec.warnMemoryBytes;
  if (spec.maxMemoryBytes !== undefined && used > spec.maxMemoryBytes) {
    return {
      status: 'FAIL',
      message: `Redis at ${shownUrl} uses ${formatBytes(used)} of memory, above the ${formatBytes(spec.maxMemoryBytes)} ceiling (maxMemoryBytes)`,
      evidence,
    };
  }
  if (spec.warnMemoryBytes !== undefined && used > spec.warnMemoryBytes) {
    return {
      status: 'WARN',
      message: `Redis at ${shownUrl} uses ${formatBytes(used)} of memory, above the ${formatBytes(spec.warnMemoryBytes)} warning level (warnMemoryBytes)`,
      evidence,
    };
  }
  const limit = spec.warnMemoryBytes ?? spec.maxMemoryBytes;
  return { status: 'PASS', message: `${answered}; it uses ${formatBytes(used)} of memory, under ${formatBytes(limit ?? 0)}`, evidence };
}
