import type { AssessmentReference } from '../reports/assessment-reference.ts';
import type { AssessmentSummary, ReportRepository } from '../reports/report.ports.ts';

/** How many assessments an ambiguous short id names in the answer. */
export const CANDIDATES_SHOWN = 5;

export type ResolvedReference =
  | { ok: true; assessment: AssessmentSummary }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'ambiguous'; candidates: AssessmentSummary[]; more: boolean };

/** The one assessment a typed id means: the full id, or the 8 characters of a message footer if only one matches. */
export async function resolveAssessmentReference(
  finder: Pick<ReportRepository, 'findByIdPrefix' | 'findById'>,
  reference: AssessmentReference,
): Promise<ResolvedReference> {
  if (reference.kind === 'full') {
    const found = await finder.findById(reference.id);
    return found ? { ok: true, assessment: found } : { ok: false, reason: 'not_found' };
  }
  const matches = await finder.findByIdPrefix(reference.prefix, CANDIDATES_SHOWN + 1);
  const [only] = matches;
  if (!only) return { ok: false, reason: 'not_found' };
  if (matches.length > 1)
    return { ok: false, reason: 'ambiguous', candidates: matches.slice(0, CANDIDATES_SHOWN), more: matches.length > CANDIDATES_SHOWN };
  return { ok: true, assessment: only };
}
