import { createHash } from 'node:crypto';
import type { RequiredSignoff } from './policy.ts';
import type { Requirement } from './signoff.types.ts';

interface CoveredCheck {
  checkId: string;
  category: string;
  status: string;
}

/**
 * What a sign-off is bound to: the id and status of every check in the categories the role covers (all of them
 * when it covers none). Measured values move on every run, so only a change of status counts as a change.
 */
export function coverageHash(checks: readonly CoveredCheck[], covers: readonly string[]): string {
  const covered = checks
    .filter((check) => covers.length === 0 || covers.includes(check.category))
    .map((check) => `${check.checkId}=${check.status}`)
    .sort();
  return createHash('sha256').update(covered.join('\n')).digest('hex');
}

/** The policy's required roles, each bound to the hash of the results it signs for in this assessment. */
export function requirementsFor(required: readonly RequiredSignoff[], checks: readonly CoveredCheck[]): Requirement[] {
  return required.map((entry) => ({
    role: entry.role,
    count: entry.count,
    covers: [...entry.covers],
    snapshotHash: coverageHash(checks, entry.covers),
  }));
}
