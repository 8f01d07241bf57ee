/** The ids in job data that say what a job is about; job data holds ids only (never secrets), so each is safe to log. */
const SUBJECT_IDS = ['assessmentId', 'deploymentId', 'incidentId', 'requestId', 'checkId'] as const;

/** What every log line written while a job runs carries: queue, jobId, job name and the ids its data names. */
export function jobLogFields(queue: string, job: { id?: string | undefined; name: string; data: unknown }): Record<string, string> {
  const fields: Record<string, string> = { queue, jobId: job.id ?? '', jobName: job.name };
  const data = job.data !== null && typeof job.data === 'object' ? (job.data as Record<string, unknown>) : {};
  for (const key of SUBJECT_IDS) {
    const value = data[key];
    // Short strings only: an id, not whatever a malformed job carries.
    if (typeof value === 'string' && value.length <= 100) fields[key] = value;
  }
  return fields;
}
