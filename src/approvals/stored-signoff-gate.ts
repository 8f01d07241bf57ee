import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import { checkDeployGate, type LatestAssessment } from '../deployments/deploy-gate.ts';
import { freshnessFor } from '../deployments/gate-policy.ts';
import { signoffPolicyFor } from './policy-lookup.ts';
import type { SignoffRequestView } from './signoff.types.ts';

/** What `readiness assess --require-signoff` reads from the database: the deploy gate's own two questions. */
export interface StoredSignoffSource {
  latestCompletedAssessment(service: string, environment: string): Promise<LatestAssessment | undefined>;
  findByAssessment(assessmentId: string): Promise<SignoffRequestView | undefined>;
}

export type StoredSignoffResult =
  | {
      ok: true;
      assessmentId: string;
      decision: 'GO' | 'GO_WITH_CAUTION';
      decidedAt: Date;
      override: boolean;
      /** Who approved, per role (empty for an override). */
      approvers: { role: string; userId: string }[];
      overriddenBy: string | null;
    }
  | { ok: false; reason: 'no_assessment' }
  | { ok: false; reason: 'signoff_missing'; assessmentId: string; status: SignoffRequestView['status'] | 'NONE'; missingRoles: string[] }
  | { ok: false; reason: 'decision_too_old'; assessmentId: string; decidedAt: Date; maxAgeMs: number };

/** Refusals a pipeline cannot fix by waiting for people: the flag makes no sense for this config. */
export type StoredSignoffMisuse = { reason: 'no_signoff_policy'; service: string; environment: string };

/**
 * The flag only means something where readiness.yaml asks for sign-off; elsewhere it would pass on the verdict
 * alone and let a pipeline believe sign-off is enforced. So it is refused up front (a usage error).
 */
export function signoffGateMisuse(config: ReadinessConfig, service: string, environment: string): StoredSignoffMisuse | undefined {
  return signoffPolicyFor(config, service, environment) ? undefined : { reason: 'no_signoff_policy', service, environment };
}

/**
 * "For that assessment" means what `/readiness deploy` means: the newest COMPLETED assessment of the service and
 * environment in the database (the one Slack ran; a newer one still running does not count yet, and a newer
 * completed one makes older sign-offs stale), whose sign-off request is APPROVED, or OVERRIDDEN by the override
 * role, with a GO or GO WITH CAUTION decision no older than the environment's freshness window. One rule, shared
 * with the deploy gate, so CI and Slack never disagree about whether a release was signed off.
 */
export async function checkStoredSignoff(
  source: StoredSignoffSource,
  config: ReadinessConfig,
  target: { service: string; environment: string },
  now: Date,
): Promise<StoredSignoffResult> {
  const latest = await source.latestCompletedAssessment(target.service, target.environment);
  if (!latest) return { ok: false, reason: 'no_assessment' };
  const request = await source.findByAssessment(latest.id);
  const gate = checkDeployGate({
    latest,
    signoff: request,
    requiresSignoff: true,
    maxAgeMs: freshnessFor(config, target.service, target.environment),
    now,
  });
  if (gate.ok) {
    const approvers = gate.go.override
      ? []
      : (request?.signoffs ?? []).filter((s) => s.kind !== 'REJECT').map((s) => ({ role: s.role, userId: s.userId }));
    return {
      ok: true,
      assessmentId: latest.id,
      decision: gate.go.decision,
      decidedAt: gate.go.decidedAt,
      override: gate.go.override,
      approvers,
      overriddenBy: request?.overriddenBy ?? null,
    };
  }
  if (gate.reason === 'decision_too_old')
    return { ok: false, reason: 'decision_too_old', assessmentId: latest.id, decidedAt: gate.decidedAt, maxAgeMs: gate.maxAgeMs };
  const missingRoles = (request?.requirements ?? [])
    .filter((r) => (request?.signoffs ?? []).filter((s) => s.role === r.role && s.kind !== 'REJECT').length < r.count)
    .map((r) => r.role);
  return { ok: false, reason: 'signoff_missing', assessmentId: latest.id, status: request?.status ?? 'NONE', missingRoles };
}
