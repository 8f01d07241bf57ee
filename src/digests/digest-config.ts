import { z } from 'zod';
import { Slug } from '../checks/check-base.ts';
import { SlackChannelId } from '../config/slack-ids.ts';
import { checkCron } from '../shared/cron.ts';

const CRON_FIELDS: Record<string, { name: string; allowed: string }> = {
  minute: { name: 'minute', allowed: '0-59' },
  hour: { name: 'hour', allowed: '0-23' },
  dayOfMonth: { name: 'day-of-month', allowed: '1-31' },
  month: { name: 'month', allowed: '1-12 or JAN-DEC' },
  dayOfWeek: { name: 'day-of-week', allowed: '0-7 or SUN-SAT' },
};

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week), as node-cron reads it. A digest
 * is at most one post a minute, so a sixth (seconds) field is refused rather than silently posting every second.
 */
export const DigestSchedule = z.string().superRefine((pattern, ctx) => {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a cron expression of 5 fields (minute hour day-of-month month day-of-week), such as "0 9 * * 1-5"; got ${fields.length} field${fields.length === 1 ? '' : 's'}`,
    });
    return;
  }
  const checked = checkCron(pattern.trim());
  if (!checked.valid) {
    const problems = checked.problems.map((error) => {
      const field = CRON_FIELDS[error.field];
      return field ? `the ${field.name} field${error.value === undefined ? '' : ` "${error.value}"`} is not valid (${field.allowed})` : error.message;
    });
    ctx.addIssue({ code: 'custom', message: `not a valid cron expression: ${problems.join('; ') || 'unreadable'}` });
  }
});

let canonicalZones: ReadonlySet<string> | undefined;

/**
 * Whether this Node.js knows the zone. A canonical name is looked up in ICU's list (about 2 ms); anything else
 * (UTC, aliases such as Europe/Kiev, other casing) is tried on a DateTimeFormat, which accepts exactly the zones Node
 * knows. The first DateTimeFormat of a process loads ICU's locale data (30–60 ms): `readiness config validate`
 * need not pay for it on every config that names a canonical zone.
 */
function knownTimeZone(zone: string): boolean {
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone (Europe/Berlin, America/New_York, UTC) that this Node.js knows. */
export const TimeZone = z.string().refine(knownTimeZone, { message: 'expected an IANA time zone such as Europe/Berlin or UTC' });

/** One scheduled digest: where it goes, when, and which services and environments it covers. */
export const DigestConfig = z.strictObject({
  /** Shown as the digest's heading. @defaultValue "Readiness digest" */
  title: z.string().min(1).max(150).optional(),
  channel: SlackChannelId,
  schedule: DigestSchedule,
  /** The zone `schedule` is read in. @defaultValue UTC */
  timezone: TimeZone.default('UTC'),
  /** Services it covers. @defaultValue every service */
  services: z.array(Slug).min(1).optional(),
  /** Environments it covers, of the services it covers. @defaultValue every environment */
  environments: z.array(Slug).min(1).optional(),
});
export type DigestConfig = z.infer<typeof DigestConfig>;

/** `digests:` in readiness.yaml, by name. */
export const DigestsConfig = z.record(Slug, DigestConfig).default({});
export type DigestsConfig = z.infer<typeof DigestsConfig>;

/** References a digest makes to services and environments that readiness.yaml does not define. */
export function findDigestDanglingReferences(
  digests: DigestsConfig,
  services: Readonly<Record<string, { environments: Readonly<Record<string, unknown>> }>>,
): string[] {
  const problems: string[] = [];
  const serviceNames = Object.keys(services);
  for (const [name, digest] of Object.entries(digests)) {
    digest.services?.forEach((service, index) => {
      if (!Object.hasOwn(services, service))
        problems.push(`digests.${name}.services[${index}]: "${service}" is not a service (${serviceNames.join(', ')})`);
    });
    const covered = (digest.services ?? serviceNames).filter((service) => Object.hasOwn(services, service));
    const environments = new Set(covered.flatMap((service) => Object.keys(services[service]?.environments ?? {})));
    digest.environments?.forEach((environment, index) => {
      if (!environments.has(environment)) {
        problems.push(
          `digests.${name}.environments[${index}]: "${environment}" is not an environment of the services it covers (${[...environments].join(', ')})`,
        );
      }
    });
  }
  return problems;
}
