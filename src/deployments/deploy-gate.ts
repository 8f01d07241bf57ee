import type { SignoffRequestView } from '../approvals/signoff.types.ts';

export interface LatestAssessment {
  id: string;
  requestedBy: string;
  verdict: string | null;
  completedAt: Date | null;
  channelId: string;
  messageTs: string | null;
}

/** The GO a deployment relies on: where it came from and when it was given. */
export interface GoDecision {
  assessmentId: string;
  decision: 'GO' | 'GO_WITH_CAUTION';
  decidedAt: Date;
  override: boolean;
  channelId: string;
  threadTs: string | null;
}

export type GateRefusal =
  | { reason: 'no_assessment' }
  | { reason: 'not_go'; verdict: string | null }
  | { reason: 'signoff_missing'; status: SignoffRequestView['status'] | 'NONE' }
  | { reason: 'decision_too_old'; decidedAt: Date; maxAgeMs: number };

const isGo = (value: string | null | undefined): value is 'GO' | 'GO_WITH_CAUTION' => value === 'GO' || value === 'GO_WITH_CAUTION';

/**
 * May this service go to this environment now? Only on the newest assessment: its sign-off decision when the
 * environment requires sign-off, its verdict otherwise, and no older than the policy allows.
 */
export function checkDeployGate(input: {
  latest: LatestAssessment | undefined;
  signoff: SignoffRequestView | undefined;
  requiresSignoff: boolean;
  maxAgeMs: number;
  now: Date;
}): { ok: true; go: GoDecision } | ({ ok: false } & GateRefusal) {
  const { latest } = input;
  if (!latest?.completedAt) return { ok: false, reason: 'no_assessment' };
  let go: GoDecision;
  if (input.requiresSignoff) {
    const request = input.signoff;
    const decided = request && (request.status === 'APPROVED' || request.status === 'OVERRIDDEN') && isGo(request.decision);
    if (!request || !decided || !request.decidedAt || !isGo(request.decision))
      return { ok: false, reason: 'signoff_missing', status: request?.status ?? 'NONE' };
    go = {
      assessmentId: latest.id,
      decision: request.decision,
      decidedAt: request.decidedAt,
      override: request.override,
      channelId: latest.channelId,
      threadTs: latest.messageTs,
    };
  } else {
    if (!isGo(latest.verdict)) return { ok: false, reason: 'not_go', verdict: latest.verdict };
    go = {
      assessmentId: latest.id,
      decision: latest.verdict,
      decidedAt: latest.completedAt,
      override: false,
      channelId: latest.channelId,
      threadTs: latest.messageTs,
    };
  }
  if (input.now.getTime() - go.decidedAt.getTime() > input.maxAgeMs)
    return { ok: false, reason: 'decision_too_old', decidedAt: go.decidedAt, maxAgeMs: input.maxAgeMs };
  return { ok: true, go };
}
