import type { Requirement, SignoffRecord, SignoffRequestView } from './signoff.types.ts';

/**
 * Approvals from the previous request whose role still signs for exactly the same results: they stand, and
 * only roles whose covered results changed are asked again. Rejections never carry: they ask for a new look.
 */
export function carriedSignoffs(previous: SignoffRequestView | undefined, requirements: readonly Requirement[]): SignoffRecord[] {
  if (!previous) return [];
  return previous.signoffs
    .filter((signoff) => {
      if (signoff.kind === 'REJECT') return false;
      const before = previous.requirements.find((requirement) => requirement.role === signoff.role);
      const now = requirements.find((requirement) => requirement.role === signoff.role);
      return before !== undefined && now !== undefined && before.snapshotHash === now.snapshotHash;
    })
    .map((signoff) => ({ ...signoff, carriedFromId: signoff.carriedFromId ?? previous.id }));
}
