import type { AssessmentView } from '../assessments/assessment.types.ts';
import type { SignoffPolicy } from './policy.ts';
import { evaluateSignoffs } from './progress.ts';
import type { Decision, SignoffRequestView } from './signoff.types.ts';

/** What the assessment message says about sign-off: a button to ask for it, or where it stands. */
export type SignoffBadge =
  | { state: 'available' }
  | { state: 'requested'; status: SignoffRequestView['status']; decision: Decision | null; override: boolean; missing: number };

/** What the assessment message shows about sign-off, if anything. */
export function signoffBadge(
  view: AssessmentView,
  policy: SignoffPolicy | undefined,
  request: SignoffRequestView | undefined,
): SignoffBadge | undefined {
  if (request) {
    const { requirements } = evaluateSignoffs(request.requirements, request.signoffs, request.verdict);
    return {
      state: 'requested',
      status: request.status,
      decision: request.decision,
      override: request.override,
      missing: requirements.filter((requirement) => !requirement.satisfied).length,
    };
  }
  if (!policy || view.status !== 'COMPLETED' || view.verdict === null) return undefined;
  return policy.eligibleVerdicts.includes(view.verdict) ? { state: 'available' } : undefined;
}
