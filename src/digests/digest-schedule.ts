import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import { cronMinutes, withCronMatcher } from '../shared/cron.ts';
import type { DigestConfig } from './digest-config.ts';
import type { DigestPeriod, DigestTarget } from './digest.types.ts';

const MINUTE_MS = 60_000;
/** A digest covers at most this long, however rarely it is scheduled (a yearly digest covers its last 31 days). */
export const MAX_PERIOD_MS = 31 * 24 * 3600 * 1000;

/** The minute a schedule fired at: node-cron reports the time of the tick, which may be a few ms late. */
export const slotOf = (date: Date) => new Date(Math.floor(date.getTime() / MINUTE_MS) * MINUTE_MS);

/** Whether the schedule fires at this minute (in its zone). */
export function isSlot(digest: Pick<DigestConfig, 'schedule' | 'timezone'>, at: Date): boolean {
  return withCronMatcher(digest, (matches) => matches(slotOf(at)));
}

/** The zone's minute of the hour at `at` minus UTC's: 0 almost everywhere, 30 or 45 in a few zones (India, Nepal). */
function offsetMinutes(minuteOf: Intl.DateTimeFormat, at: Date): number {
  return (Number(minuteOf.format(at)) - at.getUTCMinutes() + 60) % 60;
}

/**
 * The last minute before `before` at which the schedule fired, looking back at most `withinMs`. Walks back a
 * minute at a time, but asks node-cron only about minutes whose minute of the hour the schedule allows (in its
 * zone), so a monthly schedule costs a few hundred checks rather than 44,000: this also runs in the bot, for
 * `/readiness digest`, where a long walk would hold up other commands' acks.
 */
export function previousSlot(digest: Pick<DigestConfig, 'schedule' | 'timezone'>, before: Date, withinMs = MAX_PERIOD_MS): Date | undefined {
  const minutes = cronMinutes(digest.schedule);
  const minuteOf = new Intl.DateTimeFormat('en-US', { timeZone: digest.timezone, minute: 'numeric' });
  return withCronMatcher(digest, (matches) => {
    const start = slotOf(before).getTime() === before.getTime() ? before.getTime() - MINUTE_MS : slotOf(before).getTime();
    let offsetHour = Number.NaN;
    let offset = 0;
    for (let at = start; at >= before.getTime() - withinMs; at -= MINUTE_MS) {
      const candidate = new Date(at);
      const hour = Math.floor(at / 3_600_000);
      // Offsets change only with a zone's rules (DST), never within an hour: read it once per hour walked.
      if (hour !== offsetHour) [offsetHour, offset] = [hour, offsetMinutes(minuteOf, candidate)];
      if (!minutes.has((candidate.getUTCMinutes() + offset) % 60)) continue;
      if (matches(candidate)) return candidate;
    }
    return undefined;
  });
}

/** What a digest posted for `slot` covers: since the schedule's previous slot (at most MAX_PERIOD_MS) up to it. */
export function digestPeriod(digest: Pick<DigestConfig, 'schedule' | 'timezone'>, slot: Date): DigestPeriod {
  const from = previousSlot(digest, slot) ?? new Date(slot.getTime() - MAX_PERIOD_MS);
  return { from, to: slot };
}

/** The services and environments a digest covers, in readiness.yaml order. */
export function digestTargets(config: Pick<ReadinessConfig, 'services'>, digest: Pick<DigestConfig, 'services' | 'environments'>): DigestTarget[] {
  const services = digest.services ?? Object.keys(config.services);
  return services.flatMap((service) =>
    Object.keys(config.services[service]?.environments ?? {})
      .filter((environment) => digest.environments === undefined || digest.environments.includes(environment))
      .map((environment) => ({ service, environment })),
  );
}
