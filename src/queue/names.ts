import { createHash } from 'node:crypto';
import { workJobIds } from '../recovery/work-job-ids.ts';

/** Every BullMQ queue Readiness uses. Names never contain ':' (BullMQ's key separator). */
export const QueueName = {
  assessments: 'assessments',
  checks: 'checks',
  slackRender: 'slack-render',
  reports: 'reports',
  signoffs: 'signoffs',
  deployments: 'deployments',
  /** Delayed escalation timers, one per incident step. */
  escalations: 'escalations',
  /** Incident posts (alerts, pages, timeline), delivered in order per incident. */
  incidentNotify: 'incident-notify',
  /** Scheduled and requested digest posts. */
  digests: 'digests',
  /**
   * One delayed job per `/readiness run`, added before the ack: records the assessment and posts its message if the
   * bot that acked died before doing so.
   */
  intake: 'intake',
  /** Housekeeping: the daily purge of check results past `retention.checkResultsDays`. */
  maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/**
 * Deterministic job ids: the same logical job always gets the same id, so a redelivered command, a retried
 * handler or a second replica adding it again is a no-op in BullMQ. The ids of work the recovery sweep looks for
 * are the domain's (see workJobIds); the rest are this adapter's.
 */
export const jobIds = {
  assessment: workJobIds.assessment,
  /** One check per job: the first design, still run for jobs queued before batches (see checkBatch). */
  check: (assessmentId: string, checkId: string) => `check_${assessmentId}_${checkId}`,
  /** The `index`-th batch of an assessment's checks (src/queue/check-batches.ts). */
  checkBatch: (assessmentId: string, index: number) => `batch_${assessmentId}_${index}`,
  /**
   * One render request: at most one waits per message (deduplicated by message, see queues.ts), so the id only needs
   * to differ from the renders of that message that ran before, and `request` (renderRequestId) is unique per
   * request across processes whatever their clocks say.
   */
  render: (assessmentId: string, request: string) => `render_${assessmentId}_${request}`,
  /** `key` names why the report is posted: `overflow` once per assessment, or a key derived from the command's trigger_id. */
  report: (assessmentId: string, key: string) => `report_${assessmentId}_${key}`,
  signoffRender: (requestId: string, request: string) => `render-signoff_${requestId}_${request}`,
  signoffExpiry: workJobIds.signoffExpiry,
  deploymentRender: (deploymentId: string, request: string) => `render-deployment_${deploymentId}_${request}`,
  /** A Resume or a passed gate bumps the generation, so the phase job it enqueues is a new one. */
  deploymentPhase: workJobIds.deploymentPhase,
  rollback: workJobIds.rollback,
  planExpiry: workJobIds.planExpiry,
  rollbackDeadline: workJobIds.rollbackDeadline,
  escalation: workJobIds.escalation,
  /** `trigger` is the seq of the post that asked for delivery, or a sweep window. */
  incidentNotify: (incidentId: string, trigger: string) => `notify_${incidentId}_${trigger}`,
  /** One job per digest post: `key` names the scheduled slot or the command that asked (see post-digest.ts). */
  digest: (key: string) => `digest_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`,
  /** From the command's trigger_id, hashed: Slack's ids contain '.' and may contain anything else. */
  /** One purge per UTC day, however many bot replicas schedule it. */
  purgeCheckResults: (day: string) => `purge-check-results_${day}`,
  intake: (requestKey: string) => `intake_${createHash('sha256').update(requestKey).digest('hex').slice(0, 24)}`,
};
