import type { IncidentRepository } from '../../incidents/incident.ports.ts';
import type { Db } from '../prisma.ts';
import { alertDelivery, deliverNext, markFailed, recordAttempt } from './incident-outbox.ts';
import { eventsOf, findIncident, findOpenByMergeKey, listOpenIncidents, previousCompletedAssessment, recoverableWork } from './incident-reads.ts';
import { applyChange, createIncident } from './incident-transitions.ts';

/** Incidents and their outbox on Postgres. Every transition is decided on the row as locked, and applied with its posts and audit. */
export function createIncidentRepository(db: Db): IncidentRepository {
  return {
    create: (record, effects) => createIncident(db, record, effects),
    apply: (id, now, decide) => applyChange(db, id, now, decide),
    find: (id) => findIncident(db, id),
    findOpenByMergeKey: (mergeKey) => findOpenByMergeKey(db, mergeKey),
    listOpen: () => listOpenIncidents(db),
    events: (incidentId) => eventsOf(db, incidentId),
    deliverNext: (incidentId, now, send) => deliverNext(db, incidentId, now, send),
    alertDelivery: (incidentId) => alertDelivery(db, incidentId),
    recordAttempt: (notificationId, error) => recordAttempt(db, notificationId, error),
    markFailed: (notificationId, error, followUp) => markFailed(db, notificationId, error, followUp),
    recoverable: () => recoverableWork(db),
    previousCompletedAssessment: (service, environment, before) => previousCompletedAssessment(db, service, environment, before),
  };
}
