import type { Prisma } from '../../generated/prisma/client.ts';
import type { AttestOutcome, NewAttestation } from '../../assessments/assessment.ports.ts';
import type { AttestationView } from '../../assessments/assessment.types.ts';
import { attestationEvidence, attestationMessage } from '../../assessments/initial-check-state.ts';
import { auditInsert } from '../audit.repository.ts';
import type { Db } from '../prisma.ts';
import { lockAssessment, scoreInTransaction, type Tx } from './transaction.ts';

type LockedAssessment = NonNullable<Awaited<ReturnType<typeof lockAssessment>>>;

/** Attestations of these manual checks that still hold at `now`, newest first per check. */
export async function findValidAttestations(
  db: Db,
  service: string,
  environment: string,
  checkIds: readonly string[],
  now: Date,
): Promise<Map<string, AttestationView>> {
  if (checkIds.length === 0) return new Map();
  const rows = await db.attestation.findMany({
    where: { service, environment, checkId: { in: [...checkIds] }, expiresAt: { gt: now } },
    orderBy: { attestedAt: 'desc' },
  });
  const valid = new Map<string, AttestationView>();
  for (const row of rows) if (!valid.has(row.checkId)) valid.set(row.checkId, row);
  return valid;
}

/** The check passes on the attestation if it is a manual check still PENDING; false otherwise. */
async function passAttestedCheck(tx: Tx, input: NewAttestation, attestation: AttestationView): Promise<boolean> {
  const { count } = await tx.checkResult.updateMany({
    where: { assessmentId: input.assessmentId, checkId: input.checkId, type: 'manual', status: 'PENDING' },
    data: {
      status: 'PASS',
      message: attestationMessage(attestation),
      evidence: attestationEvidence(attestation, 'given_here') as Prisma.InputJsonObject,
      finishedAt: input.at,
    },
  });
  return count > 0;
}

async function auditAttestation(tx: Tx, input: NewAttestation): Promise<void> {
  await tx.auditEvent.create({
    data: auditInsert({
      actor: input.attestedBy,
      action: 'check.attested',
      subjectType: 'assessment',
      subjectId: input.assessmentId,
      before: { check: input.checkId, status: 'PENDING' },
      after: { check: input.checkId, status: 'PASS' },
      data: { checkId: input.checkId, role: input.role, expiresAt: input.expiresAt.toISOString() },
      dedupeKey: `check.attested_${input.assessmentId}_${input.checkId}`,
    }),
  });
}

/** A completed assessment's verdict after the attestation; audited when it changed. */
async function rescore(tx: Tx, input: NewAttestation, locked: LockedAssessment): Promise<AttestOutcome> {
  const result = await scoreInTransaction(tx, input.assessmentId, { go: locked.goThreshold, caution: locked.cautionThreshold });
  await tx.assessment.update({ where: { id: input.assessmentId }, data: { score: result.score, verdict: result.verdict } });
  if (result.verdict !== locked.verdict) {
    await tx.auditEvent.create({
      data: auditInsert({
        actor: 'system',
        action: 'assessment.rescored',
        subjectType: 'assessment',
        subjectId: input.assessmentId,
        before: { verdict: locked.verdict, score: locked.score },
        after: { verdict: result.verdict, score: result.score },
        reason: `${input.checkId} attested by ${input.attestedBy}`,
        data: { from: locked.verdict, to: result.verdict, score: result.score },
        dedupeKey: `assessment.rescored_${input.assessmentId}_${input.checkId}`,
      }),
    });
  }
  return { applied: true, rescored: { from: locked.verdict, to: result.verdict } };
}

/**
 * Records a person's attestation of a PENDING manual check: the check passes, the attestation is kept for
 * later assessments, and a completed assessment is re-scored, all in one transaction. Applies once.
 */
export async function attest(db: Db, input: NewAttestation): Promise<AttestOutcome> {
  return db.$transaction(async (tx) => {
    const locked = await lockAssessment(tx, input.assessmentId);
    if (!locked) return { applied: false };
    const attestation: AttestationView = {
      checkId: input.checkId,
      role: input.role,
      attestedBy: input.attestedBy,
      attestedAt: input.at,
      expiresAt: input.expiresAt,
      assessmentId: input.assessmentId,
    };
    if (!(await passAttestedCheck(tx, input, attestation))) return { applied: false };
    await tx.attestation.create({ data: { ...attestation, service: locked.service, environment: locked.environment } });
    await auditAttestation(tx, input);
    if (locked.status !== 'COMPLETED') return { applied: true };
    return rescore(tx, input, locked);
  });
}
