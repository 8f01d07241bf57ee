import type { SignoffRequestView } from '../../approvals/signoff.types.ts';
import type { AuditEntry } from '../../audit/audit-entry.ts';
import { auditInsert } from '../audit.repository.ts';
import type { Tx } from './signoff-rows.ts';

type RequestIdentity = Pick<SignoffRequestView, 'id' | 'service' | 'environment' | 'assessmentId'>;

/** What every sign-off audit event names: the request, and the service, environment and assessment it is about. */
const subject = (request: { id: string }) => ({ subjectType: 'signoff_request', subjectId: request.id });
const context = (request: Omit<RequestIdentity, 'id'>) => ({
  service: request.service,
  environment: request.environment,
  assessmentId: request.assessmentId,
});

/** Records an audit event about the request, inside the transaction that made the change. */
export async function auditSignoffEvent(
  tx: Tx,
  request: RequestIdentity,
  entry: Omit<AuditEntry, 'subjectType' | 'subjectId' | 'data'> & { data?: Record<string, unknown> },
): Promise<void> {
  await tx.auditEvent.create({
    data: auditInsert({ ...entry, ...subject(request), data: { ...context(request), ...entry.data } }),
  });
}
