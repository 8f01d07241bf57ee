import type { AuditTrailEvent, LatestAssessment } from './status.types.ts';

/** Which part of the audit trail a page shows. */
export interface AuditFilter {
  service: string;
  /** Null: every environment. Incidents that name no environment concern them all and are always included. */
  environment: string | null;
}

/** Which slice of the (newest first) audit trail to read. */
export interface AuditWindow {
  offset: number;
  limit: number;
}

/** Read-only queries behind `/readiness status` and `/readiness audit`. */
export interface StatusRepository {
  latestAssessment(service: string, environment: string): Promise<LatestAssessment | undefined>;
  /** How many audit events the service (or one environment of it) has. */
  countAuditEvents(filter: AuditFilter): Promise<number>;
  /** Newest first; events recorded in the same millisecond keep one fixed order, so pages never overlap. */
  auditEvents(filter: AuditFilter, window: AuditWindow): Promise<AuditTrailEvent[]>;
}
