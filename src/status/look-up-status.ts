import { signoffPolicyFor } from '../approvals/policy-lookup.ts';
import { errorHeadline } from '../shared/text.ts';
import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import type { SignoffRepository } from '../approvals/signoff.ports.ts';
import type { StatusRepository } from './status.ports.ts';
import type { StatusSnapshot } from './status.types.ts';

export interface StatusDeps {
  status: Pick<StatusRepository, 'latestAssessment'>;
  signoffs: Pick<SignoffRepository, 'findByAssessment' | 'latestFor'>;
  config: ReadinessConfig;
}

export type StatusLookup = { ok: true; snapshot: StatusSnapshot } | { ok: false; reason: 'unavailable'; detail: string };

/** Where a service's environment stands: its newest assessment, that assessment's sign-off, and what stood before. */
export async function lookUpStatus(deps: StatusDeps, target: { service: string; environment: string }): Promise<StatusLookup> {
  const { service, environment } = target;
  const policy = signoffPolicyFor(deps.config, service, environment);
  try {
    const assessment = await deps.status.latestAssessment(service, environment);
    const request = assessment ? await deps.signoffs.findByAssessment(assessment.id) : undefined;
    const newest = request ? undefined : await deps.signoffs.latestFor(service, environment);
    const previous = newest && newest.assessmentId !== assessment?.id ? newest : undefined;
    return {
      ok: true,
      snapshot: {
        service,
        environment,
        assessment,
        request,
        previous,
        policy: policy ? { eligibleVerdicts: policy.eligibleVerdicts, overrideRole: policy.overrideRole ?? null } : undefined,
      },
    };
  } catch (error) {
    return { ok: false, reason: 'unavailable', detail: errorHeadline(error) };
  }
}
