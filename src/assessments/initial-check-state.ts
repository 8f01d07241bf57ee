import type { CheckSpec } from '../config/readiness-config.schema.ts';
import { awaitingAttestation, isManual } from '../checks/specs/manual.ts';
import type { CheckStatus } from '../readiness/score.ts';
import type { AttestationView } from './assessment.types.ts';

export interface InitialCheckState {
  status: CheckStatus;
  message: string | null;
  evidence: Record<string, unknown> | null;
}

/** What an attestation proves, as evidence on the check: who, when, until when, and where it was given. */
export function attestationEvidence(attestation: AttestationView, origin: 'given_here' | 'carried'): Record<string, unknown> {
  return {
    attestedBy: attestation.attestedBy,
    role: attestation.role,
    attestedAt: attestation.attestedAt.toISOString(),
    expiresAt: attestation.expiresAt.toISOString(),
    ...(origin === 'carried' ? { carriedFromAssessment: attestation.assessmentId } : {}),
  };
}

export function attestationMessage(attestation: AttestationView): string {
  return `attested by ${attestation.attestedBy} (${attestation.role}) at ${attestation.attestedAt.toISOString()}; valid until ${attestation.expiresAt.toISOString()}`;
}

/** How a check's row starts: automated checks wait for their job, manual ones for a person unless already attested. */
export function initialCheckState(check: CheckSpec, attestation: AttestationView | undefined): InitialCheckState {
  if (!isManual(check)) return { status: 'PENDING', message: null, evidence: null };
  if (!attestation) return { status: 'PENDING', message: awaitingAttestation(check), evidence: null };
  return { status: 'PASS', message: attestationMessage(attestation), evidence: attestationEvidence(attestation, 'carried') };
}
