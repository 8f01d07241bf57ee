import { z } from 'zod';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `15m`, `24h`, `7d`: how people write durations in readiness.yaml. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd])$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : undefined;
}

const DurationText = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as "90s", "15m", "24h" or "7d", got "${text}"` });
    return z.NEVER;
  }
  return ms;
});

/**
 * A duration in readiness.yaml, validated and turned into milliseconds. A bare number is milliseconds, which
 * is also how a parsed config stores it, so a stored spec parses again to the same value.
 */
export const Duration = z.union([z.number().int().positive(), DurationText]);

/** A duration as people write it: whole days from two days up, else hours, minutes or seconds. */
export function formatDuration(ms: number): string {
  if (ms % UNIT_MS.d === 0 && ms >= 2 * UNIT_MS.d) return `${ms / UNIT_MS.d}d`;
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  if (ms % UNIT_MS.m === 0) return `${ms / UNIT_MS.m}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** `45s`, `3m 12s`, `2h 5m`, `1d 3h`: how long something took, at the precision people care about. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
