/** Every BullMQ queue Readiness uses. Names never contain ':' (BullMQ's key separator). */
export const QueueName = {
  assessments: 'assessments',
  checks: 'checks',
  slackRender: 'slack-render',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/**
 * Deterministic job ids: the same logical job always gets the same id, so a redelivered command, a retried
 * handler or a second replica adding it again is a no-op in BullMQ.
 */
export const jobIds = {
  assessment: (assessmentId: string) => `assessment_${assessmentId}`,
  check: (assessmentId: string, checkId: string) => `check_${assessmentId}_${checkId}`,
  /** One render per message per window: everything that changes within the window is shown by one update. */
  render: (assessmentId: string, window: number) => `render_${assessmentId}_${window}`,
};
