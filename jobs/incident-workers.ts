import type { Worker } from 'bullmq';
import { createWorker } from './create-worker.ts';
import type { IncidentChat } from '../src/incidents/incident-chat.ts';
import type { IncidentDeps } from '../src/incidents/incident-deps.ts';
import { reportCheckRegression } from '../src/incidents/check-regression.ts';
import { recoverIncidents } from '../src/incidents/recover-incidents.ts';
import { QueueName } from '../src/queue/names.ts';
import { SWEEP_EVERY_MS, SWEEP_SCHEDULER_ID, type IncidentQueues } from '../src/queue/incident-queues.ts';
import { errorFields, type Logger } from '../src/shared/logger.ts';
import type { AssessmentRepository } from '../src/assessments/assessment.ports.ts';
import { escalationProcessor } from './escalation.ts';
import { incidentNotifyProcessor } from './incident-notify.ts';
import { rateLimitedWorker } from './rate-limited-worker.ts';
import type { RedisConnection } from '../src/queue/connection.ts';

export interface IncidentWorkerDeps {
  incident: IncidentDeps;
  queues: IncidentQueues;
  /** The workers' Web API client: hands 429s to the queue instead of sleeping in a worker slot. */
  chat: IncidentChat;
  /**
   * Re-arms timers and deliveries from the database on start and every minute. Tests turn it off: their stacks
   * share one database but not one queue prefix, and must not pick up each other's incidents. @defaultValue true
   */
  sweep: boolean;
  /** Opens an incident when a critical check regresses on a service that was GO. @defaultValue true */
  checkRegression: boolean;
}

/**
 * The escalation timers and the incident posts. On start, and then every minute, re-arms timers and deliveries a
 * crash may have lost between a commit and its enqueue.
 */
export async function startIncidentWorkers(
  common: { connection: RedisConnection; prefix: string },
  deps: IncidentWorkerDeps,
  logger: Logger,
): Promise<Worker[]> {
  const { incident, queues } = deps;
  const recovery = { incidents: incident.incidents, scheduler: queues.scheduler, now: incident.now };
  // Timers are short transactions; no more at once than the database pool has connections, or they queue for one.
  const escalations = createWorker(QueueName.escalations, escalationProcessor({ incident, recovery }), { ...common, concurrency: 10 });
  const notify = rateLimitedWorker(
    QueueName.incidentNotify,
    (pauseQueue) => incidentNotifyProcessor({ incidents: incident.incidents, chat: deps.chat, now: incident.now, logger, pauseQueue }),
    // A delivery holds a connection (and the incident's row lock) across a Slack call: few at once leaves the pool to the timers.
    { ...common, concurrency: 4 },
  );
  if (deps.sweep) {
    await queues.queues.escalations.upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    await recoverIncidents(recovery).catch((error: unknown) =>
      logger.warn('incident recovery sweep failed; the next one retries', errorFields(error)),
    );
  }
  return [escalations, notify];
}

/** After an assessment completes: a critical check regressing on a service that was GO opens an incident. */
export function regressionHook(incident: IncidentDeps, assessments: Pick<AssessmentRepository, 'find'>) {
  return async (assessmentId: string): Promise<void> => {
    await reportCheckRegression({ ...incident, assessments }, assessmentId);
  };
}
