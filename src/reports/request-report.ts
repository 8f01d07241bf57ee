import { createHash } from 'node:crypto';
import type { AssessmentView } from '../assessments/assessment.types.ts';
import type { Unavailable } from '../assessments/start-assessment.ts';
import type { AssessmentRepository } from '../assessments/assessment.ports.ts';
import { resolveAssessmentReference, type ResolvedReference } from '../assessments/resolve-reference.ts';
import type { AssessmentReference } from './assessment-reference.ts';
import type { ReportRepository, ReportScheduler } from './report.ports.ts';

export interface RequestReportDeps {
  reports: Pick<ReportRepository, 'findByIdPrefix' | 'findById'>;
  assessments: Pick<AssessmentRepository, 'find'>;
  scheduler: ReportScheduler;
}

export type RequestReportResult =
  | { ok: true; assessment: AssessmentView }
  | Exclude<ResolvedReference, { ok: true }>
  | { ok: false; reason: 'still_running' | 'could_not_finish' | 'no_message'; assessment: AssessmentView }
  | { ok: false; reason: 'unavailable'; dependency: Unavailable; detail: string };

/**
 * Job keys come from the command's trigger_id: a redelivered command adds the same job (a no-op), while asking
 * again later is a new request and posts a fresh report.
 */
export const commandReportKey = (triggerId: string) => createHash('sha256').update(triggerId).digest('hex').slice(0, 16);

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

/** `/readiness report`: find the one assessment meant, and have its full report posted into its thread. */
export async function requestReport(
  deps: RequestReportDeps,
  input: { reference: AssessmentReference; requestKey: string; requestedBy: string },
): Promise<RequestReportResult> {
  let assessment: AssessmentView | undefined;
  try {
    const resolved = await resolveAssessmentReference(deps.reports, input.reference);
    if (!resolved.ok) return resolved;
    assessment = await deps.assessments.find(resolved.assessment.id);
  } catch (error) {
    return { ok: false, reason: 'unavailable', dependency: 'database', detail: describe(error) };
  }
  if (!assessment) return { ok: false, reason: 'not_found' };
  // A report is the explanation of a verdict; until there is one, the message itself shows the progress.
  if (assessment.status === 'QUEUED' || assessment.status === 'RUNNING') return { ok: false, reason: 'still_running', assessment };
  if (assessment.status === 'FAILED' || assessment.status === 'UNASSESSABLE') return { ok: false, reason: 'could_not_finish', assessment };
  if (assessment.messageTs === null) return { ok: false, reason: 'no_message', assessment };
  try {
    await deps.scheduler.requestReport({ assessmentId: assessment.id, key: commandReportKey(input.requestKey), requestedBy: input.requestedBy });
  } catch (error) {
    return { ok: false, reason: 'unavailable', dependency: 'queue', detail: describe(error) };
  }
  return { ok: true, assessment };
}
