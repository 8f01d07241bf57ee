import { z } from 'zod';
import { CheckBase } from '../check-base.ts';
import type { UnmetCheck } from '../check.types.ts';
import { answerWithin, evidenceString, evidenceStrings, quoted, timedOutAfter } from '../evidence.ts';
import { redactUrl, truncate } from '../../shared/text.ts';

/** The database answers `select 1`; optionally its Prisma migrations are all applied and none is stuck. */
export const PostgresCheckSpec = CheckBase.extend({
  type: z.literal('postgres'),
  /** postgres:// or postgresql:// connection string; its password never appears in messages or evidence. */
  url: z.string().min(1),
  /** Also read `_prisma_migrations`: a migration that never finished fails the check. @defaultValue false */
  checkMigrations: z.boolean().default(false),
  /** Directory of the service's Prisma migrations; any not applied in the database fails the check as pending. */
  migrationsDir: z.string().min(1).optional(),
}).superRefine((spec, ctx) => {
  if (spec.migrationsDir !== undefined && !spec.checkMigrations) {
    ctx.addIssue({ code: 'custom', path: ['migrationsDir'], message: 'migrationsDir is only read with checkMigrations: true' });
  }
});
export type PostgresCheckSpec = z.infer<typeof PostgresCheckSpec>;

/** The connection string as it may be shown: password replaced, in the authority and in `?password=`. */
export function redactPostgresUrl(raw: string): string {
  return redactUrl(raw);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What to do about a postgres check that did not pass: the migrations to fix or apply, or the connection. Pure. */
export function recommendPostgres(spec: PostgresCheckSpec, outcome: UnmetCheck): string | undefined {
  const shownUrl = redactPostgresUrl(spec.url);
  const { evidence } = outcome;
  const timeoutMs = timedOutAfter(outcome);
  if (timeoutMs !== undefined) return answerWithin(`${shownUrl} (select 1${spec.checkMigrations ? ' and _prisma_migrations' : ''})`, timeoutMs);
  const failed = evidenceStrings(evidence, 'failedMigrations');
  if (outcome.status === 'FAIL' && failed.length > 0) {
    return `Fix ${plural(failed.length, 'failed migration')} in ${shownUrl} (${truncate(failed.join(', '), 200)}), then mark ${failed.length === 1 ? 'it' : 'them'} with prisma migrate resolve and deploy again`;
  }
  const pending = evidenceStrings(evidence, 'pendingMigrations');
  if (outcome.status === 'FAIL' && pending.length > 0) {
    return `Run prisma migrate deploy against ${shownUrl}: ${plural(pending.length, 'migration')} pending (${truncate(pending.join(', '), 200)})`;
  }
  if (outcome.status === 'FAIL' && evidence?.migrationsTable === false) {
    return `Run prisma migrate deploy against ${shownUrl}: it has no _prisma_migrations table, so it was never migrated`;
  }
  const error = evidenceString(evidence, 'error');
  if (outcome.status === 'FAIL' && error !== undefined) {
    return `Make ${shownUrl} accept connections from the check (${error}): check that it is up, and the host, database and credentials`;
  }
  if (outcome.status === 'ERROR') return `Fix the check's url or migrationsDir, or the database, so ${shownUrl} can be checked: ${quoted(outcome)}`;
  return undefined;
}
