import { z } from 'zod';
import { CheckBase } from './check-base.ts';
import type { CheckContext, CheckOutcome, UnmetCheck } from './check.types.ts';
import { answerWithin, evidenceNumber, evidenceString, quoted, timedOutAfter } from './evidence.ts';
import { redactUrl } from '../shared/text.ts';

/** Redis answers PING; optionally its memory (`used_memory` from INFO memory) stays under ceilings. */
export const RedisCheckSpec = CheckBase.extend({
  type: z.literal('redis'),
  /** redis:// or rediss:// URL; its password never appears in messages or evidence. */
  url: z.string().min(1),
  /** Above this many bytes of used_memory the check fails. */
  maxMemoryBytes: z.number().int().positive().optional(),
  /** Above this many bytes of used_memory the check warns; must be below maxMemoryBytes when both are set. */
  warnMemoryBytes: z.number().int().positive().optional(),
}).superRefine((spec, ctx) => {
  if (spec.maxMemoryBytes !== undefined && spec.warnMemoryBytes !== undefined && spec.warnMemoryBytes >= spec.maxMemoryBytes) {
    ctx.addIssue({
      code: 'custom',
      path: ['warnMemoryBytes'],
      message: `warnMemoryBytes (${spec.warnMemoryBytes}) must be below maxMemoryBytes (${spec.maxMemoryBytes}), or it can never warn`,
    });
  }
});
export type RedisCheckSpec = z.infer<typeof RedisCheckSpec>;

const MiB = 1024 * 1024;

/** Memory as people read it: MiB, or plain bytes when that would round to nothing. */
export function formatBytes(bytes: number): string {
  if (bytes < MiB / 100) return `${bytes} bytes`;
  const mib = bytes / MiB;
  return `${mib < 10 ? mib.toFixed(2) : mib.toFixed(1)} MiB`;
}

/** The URL as it may be shown: password replaced. */
function redactRedisUrl(raw: string): string {
  return redactUrl(raw);
}

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

  // Loaded on the first redis check, not at import: `readiness config validate` never needs the client.
  const { Redis } = await import('ioredis');
  const redis = new Redis(spec.url, {
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
      const info = parseInfo(await redis.info('memory'));
      const parsed = Number(info.used_memory);
      if (info.used_memory !== undefined && Number.isFinite(parsed)) used = parsed;
      evidence.usedMemoryBytes = used;
      if (info.maxmemory !== undefined) evidence.redisMaxmemoryBytes = Number(info.maxmemory);
      if (info.maxmemory_policy !== undefined) evidence.maxmemoryPolicy = info.maxmemory_policy;
    } catch (error) {
      if (context.signal.aborted) throw error;
      // Some managed Redis services disable INFO; that only matters when a memory ceiling needs it.
      if (ceilings) return { status: 'ERROR', message: `Redis at ${shownUrl} answered PING but INFO memory failed: ${clean(error)}`, evidence };
    }

    const answered = `Redis at ${shownUrl} answered PING in ${latencyMs} ms`;
    if (!ceilings) return { status: 'PASS', message: answered, evidence };
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
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    redis.disconnect();
  }
}

/** What to do about a redis check that did not pass: the memory to free, with both sizes, or the connection. Pure. */
export function recommendRedis(spec: RedisCheckSpec, outcome: UnmetCheck): string | undefined {
  const shownUrl = redactRedisUrl(spec.url);
  const { evidence } = outcome;
  const timeoutMs = timedOutAfter(outcome);
  if (timeoutMs !== undefined) return answerWithin(`Redis at ${shownUrl}`, timeoutMs);
  const used = evidenceNumber(evidence, 'usedMemoryBytes');
  if (outcome.status === 'FAIL' && used !== undefined && spec.maxMemoryBytes !== undefined && used > spec.maxMemoryBytes) {
    return `Bring Redis at ${shownUrl} under ${formatBytes(spec.maxMemoryBytes)} of memory (now ${formatBytes(used)}): expire or evict keys, or raise maxMemoryBytes with the instance`;
  }
  if (outcome.status === 'WARN' && used !== undefined && spec.warnMemoryBytes !== undefined) {
    const ceiling = spec.maxMemoryBytes === undefined ? '' : `; it fails above ${formatBytes(spec.maxMemoryBytes)}`;
    return `Bring Redis at ${shownUrl} under ${formatBytes(spec.warnMemoryBytes)} of memory (now ${formatBytes(used)}${ceiling}): expire or evict keys before it grows further`;
  }
  const error = evidenceString(evidence, 'error');
  if (outcome.status === 'FAIL' && error !== undefined)
    return `Make Redis at ${shownUrl} answer PING (${error}): check that it is up, and the host and password`;
  if (outcome.status === 'ERROR') return `Fix the check's url, or Redis, so ${shownUrl} can be checked: ${quoted(outcome)}`;
  return undefined;
}
