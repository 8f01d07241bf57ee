import { z } from 'zod';
import { CheckBase } from '../check-base.ts';
import type { UnmetCheck } from '../check.types.ts';
import { answerWithin, evidenceNumber, evidenceString, quoted, timedOutAfter } from '../evidence.ts';
import { redactUrl } from '../../shared/text.ts';

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
export function redactRedisUrl(raw: string): string {
  return redactUrl(raw);
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
