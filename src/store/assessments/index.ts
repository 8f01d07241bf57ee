import type { AssessmentRepository } from '../../assessments/assessment.ports.ts';
import { createKeyedBatcher } from '../../shared/keyed-batcher.ts';
import type { Db } from '../prisma.ts';
import { attest, findValidAttestations } from './attestations.ts';
import { createAssessments, type Created, type CreateRequest } from './create-many.ts';
import { completeAssessment, failAssessment, markRunning, markUnassessable } from './lifecycle.ts';
import { attachMessage, claimMessage, releaseMessageClaim } from './messages.ts';
import { countUnfinishedChecks, recordCheckOutcome, recordCheckOutcomes } from './outcomes.ts';
import { findAssessment, findCheckSpecs } from './reads.ts';

/**
 * Bounds of the grouped creation: transactions of one process at once (the first requests of a burst go at once,
 * those arriving while they run wait and go together), and the most assessments in one.
 */
export const CREATE_GROUPS = { concurrency: 2, maxBatch: 50 } as const;

/** Every write is a guarded transition (`WHERE status = …`): applying it twice changes nothing the second time. */
export function createAssessmentRepository(db: Db): AssessmentRepository {
  // Requests made while a creation is out go together in the next (a burst of /readiness run: a few transactions
  // instead of one per command); each request still gets its own outcome, and its own error.
  const createTogether = createKeyedBatcher<CreateRequest, PromiseSettledResult<Created>>(
    (_key, requests) => createAssessments(db, requests),
    CREATE_GROUPS,
  );
  return {
    async create(input, plan) {
      const outcome = await createTogether('create', { input, plan });
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    },
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
