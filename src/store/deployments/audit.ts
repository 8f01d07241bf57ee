import type { DeploymentSubject } from '../../deployments/deployment.ports.ts';
import type { AuditEntry } from '../../audit/audit-entry.ts';
import { auditInsert } from '../audit.repository.ts';
import type { Tx } from './rows.ts';

/** One audited step of a deployment: who did what, the state before and after, and why. */
export interface DeploymentAuditEntry {
  actor: string;
  action: string;
  change: Pick<AuditEntry, 'before' | 'after'>;
  reason?: string | null | undefined;
  data?: Record<string, unknown> | undefined;
  /** Set for a step a deployment may take more than once (see repeatableKey); the default key otherwise. */
  dedupeKey?: string | undefined;
}

/** Records the step in the same transaction as the change it describes. */
export function auditDeployment(tx: Tx, deployment: DeploymentSubject, entry: DeploymentAuditEntry) {
  return tx.auditEvent.create({
    data: auditInsert({
      actor: entry.actor,
      action: entry.action,
      subjectType: 'deployment',
      subjectId: deployment.id,
      ...entry.change,
      reason: entry.reason ?? null,
      data: { service: deployment.service, environment: deployment.environment, ...entry.data },
      ...(entry.dedupeKey === undefined ? {} : { dedupeKey: entry.dedupeKey }),
    }),
  });
}

/**
 * The audit key of a step a deployment may take more than once (Pause, Resume, a gate): the default key the
 * first time, then numbered. The guarded transition holds the row's lock, so the count cannot race.
 */
export async function repeatableKey(tx: Tx, id: string, action: string): Promise<string | undefined> {
  const before = await tx.auditEvent.count({ where: { subjectType: 'deployment', subjectId: id, action } });
  return before === 0 ? undefined : `${action}:deployment:${id}:${before + 1}`;
}
