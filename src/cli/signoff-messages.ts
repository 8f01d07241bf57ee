import type { StoredSignoffMisuse, StoredSignoffResult } from '../approvals/stored-signoff-gate.ts';
import { formatDuration } from '../shared/duration.ts';

const utc = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const DECISION_WORD = { GO: 'GO', GO_WITH_CAUTION: 'GO WITH CAUTION' } as const;

type Target = { service: string; environment: string };

/** One sentence per outcome of `--require-signoff`: what the pipeline log and the job summary say. */
export function describeStoredSignoff(result: StoredSignoffResult, { service, environment }: Target): string {
  const retry = `run /readiness run ${service} ${environment} in Slack and request sign-off`;
  if (result.ok) {
    const who = result.override
      ? `overridden by ${result.overriddenBy ?? 'the override role'}`
      : `approved by ${result.approvers.map((a) => `${a.userId} (${a.role})`).join(', ')}`;
    return `signed off: assessment ${result.assessmentId} of ${service} in ${environment} was ${who}, ${DECISION_WORD[result.decision]} at ${utc(result.decidedAt)}`;
  }
  const assessment = (id: string) => `the newest completed assessment of ${service} in ${environment} (${id})`;
  switch (result.reason) {
    case 'no_assessment':
      return `sign-off missing: the database has no completed assessment of ${service} in ${environment}; ${retry}`;
    case 'decision_too_old':
      return `sign-off missing: ${assessment(result.assessmentId)} was decided at ${utc(result.decidedAt)}, older than this environment's freshness window (${formatDuration(result.maxAgeMs)}); ${retry}`;
    case 'signoff_missing':
      switch (result.status) {
        case 'NONE':
          return `sign-off missing: nobody requested sign-off for ${assessment(result.assessmentId)}; press Request sign-off on its Slack message`;
        case 'PENDING':
          return `sign-off missing: ${assessment(result.assessmentId)} is still waiting for ${result.missingRoles.join(', ') || 'its decision'}`;
        case 'REJECTED':
          return `sign-off missing: ${assessment(result.assessmentId)} was rejected in Slack; fix what the rejection names, then ${retry}`;
        case 'EXPIRED':
          return `sign-off missing: the sign-off request of ${assessment(result.assessmentId)} expired before everyone approved; ${retry}`;
        default:
          return `sign-off missing: the sign-off of ${assessment(result.assessmentId)} is ${result.status}, not approved; ${retry}`;
      }
  }
}

export function describeSignoffMisuse(misuse: StoredSignoffMisuse): string {
  return `--require-signoff: readiness.yaml asks for no sign-off in ${misuse.service}'s environment ${misuse.environment} (no environments.${misuse.environment}.signoff), so there is nothing to require; add a sign-off policy or drop the flag`;
}
