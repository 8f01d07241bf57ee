import type { Job } from 'bullmq';
import { z } from 'zod';
import { escalateIncident } from '../src/incidents/escalate-incident.ts';
import type { IncidentDeps } from '../src/incidents/incident-deps.ts';
import { recoverIncidents, type RecoveryDeps } from '../src/incidents/recover-incidents.ts';
import { parseJobData } from './job-data.ts';

const Count = z.number().int().min(0);
export const EscalationJobData = z.object({ incidentId: z.uuid(), plan: Count, level: Count, round: Count });

/**
 * The escalations queue: a delayed `escalate` job per step (its timer), and the periodic `sweep` that re-arms what a
 * crash may have lost. The escalation itself is a guarded transition, so a repeat or a late timer changes nothing.
 */
export function escalationProcessor(deps: { incident: IncidentDeps; recovery: RecoveryDeps }) {
  return async (job: Job) => {
    if (job.name === 'sweep') return recoverIncidents(deps.recovery);
    const { incidentId, ...expected } = parseJobData(EscalationJobData, job.data, 'escalation');
    const result = await escalateIncident(deps.incident, { incidentId, trigger: 'timeout', by: 'system', expected });
    return result.ok ? result.outcome : result.reason;
  };
}
