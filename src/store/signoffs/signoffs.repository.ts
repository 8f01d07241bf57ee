import type { SignoffRepository } from '../../approvals/signoff.ports.ts';
import { createKeyedSerializer } from '../../shared/keyed-serializer.ts';
import type { Db } from '../prisma.ts';
import { createRequest } from './create-request.ts';
import { expireRequest } from './expire-request.ts';
import { markStale } from './mark-stale.ts';
import { overrideRequest } from './override-request.ts';
import { claimMessage, releaseMessageClaim, unpostedRequests } from './message-claims.ts';
import { signRequest } from './sign-request.ts';
import { findRequest, newestRequest } from './signoff-rows.ts';

/** Sign-off requests and sign-offs in Postgres; every change is a guarded transition under a row lock, with its audit event. */
export function createSignoffRepository(db: Db): SignoffRepository {
  // One per process (the runtime builds one repository): clicks on a request wait here, not on its row lock.
  const perRequest = createKeyedSerializer();
  return {
    findById: (id) => findRequest(db, { id }),
    findByAssessment: (assessmentId) => findRequest(db, { assessmentId }),
    latestFor: (service, environment) => newestRequest(db, { service, environment }),
    latestStale: (service, environment) => newestRequest(db, { service, environment, status: 'STALE' }),
    create: (input) => createRequest(db, input),
    async attachMessage(id, messageTs) {
      const { count } = await db.signoffRequest.updateMany({ where: { id, messageTs: null }, data: { messageTs } });
      return count === 1;
    },
    claimMessage: (id, leaseMs) => claimMessage(db, id, leaseMs),
    releaseMessageClaim: (id, attempt) => releaseMessageClaim(db, id, attempt),
    unposted: (createdBefore, limit) => unpostedRequests(db, createdBefore, limit),
    sign: (input) => signRequest(db, input, perRequest),
    expire: (id, at) => expireRequest(db, id, at),
    markStale: (input) => markStale(db, input),
    override: (input) => overrideRequest(db, input),
  };
}
