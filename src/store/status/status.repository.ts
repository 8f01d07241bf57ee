import type { StatusRepository } from '../../status/status.ports.ts';
import type { Db } from '../prisma.ts';
import { auditEvents, countAuditEvents } from './audit-trail.queries.ts';
import { latestAssessment } from './latest-assessment.query.ts';

/** Read-only queries behind `/readiness status` and `/readiness audit`. */
export function createStatusRepository(db: Db): StatusRepository {
  return {
    latestAssessment: (service, environment) => latestAssessment(db, service, environment),
    countAuditEvents: (filter) => countAuditEvents(db, filter),
    auditEvents: (filter, window) => auditEvents(db, filter, window),
  };
}
