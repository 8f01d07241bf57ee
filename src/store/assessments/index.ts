import type { AssessmentRepository } from '../../assessments/assessment.ports.ts';
import type { Db } from '../prisma.ts';
import { attest, findValidAttestations } from './attestations.ts';
import { createAssessment } from './create.ts';
import { completeAssessment, failAssessment, markRunning, markUnassessable } from './lifecycle.ts';
import { attachMessage, claimMessage, releaseMessageClaim } from './messages.ts';
import { countUnfinishedChecks, recordCheckOutcome, recordCheckOutcomes } from './outcomes.ts';
import { findAssessment, findCheckSpecs } from './reads.ts';

/** Every write is a guarded transition (`WHERE status = …`): applying it twice changes nothing the second time. */
export function createAssessmentRepository(db: Db): AssessmentRepository {
  return {
    create: (input, plan) => createAssessment(db, input, plan),
    find: (id) => findAssessment(db, id),
    findCheckSpecs: (assessmentId, checkIds) => findCheckSpecs(db, assessmentId, checkIds),
    claimMessage: (id, at, staleBefore) => claimMessage(db, id, at, staleBefore),
    releaseMessageClaim: (id, claimedAt) => releaseMessageClaim(db, id, claimedAt),
    attachMessage: (id, messageTs) => attachMessage(db, id, messageTs),
    markRunning: (id, at) => markRunning(db, id, at),
    recordCheckOutcome: (assessmentId, checkId, outcome, at) => recordCheckOutcome(db, assessmentId, checkId, outcome, at),
    recordCheckOutcomes: (assessmentId, outcomes) => recordCheckOutcomes(db, assessmentId, outcomes),
    countUnfinishedChecks: (assessmentId) => countUnfinishedChecks(db, assessmentId),
    complete: (id, at) => completeAssessment(db, id, at),
    findValidAttestations: (service, environment, checkIds, now) => findValidAttestations(db, service, environment, checkIds, now),
    attest: (input) => attest(db, input),
    fail: (id, why, at) => failAssessment(db, id, why, at),
    markUnassessable: (id, cause, at) => markUnassessable(db, id, cause, at),
  };
}
