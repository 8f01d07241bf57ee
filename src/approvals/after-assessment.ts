import type { SignoffRepository } from './signoff.ports.ts';
import { signoffPolicyFor } from './policy-lookup.ts';
import { requestSignoff, type RequestSignoffDeps } from './request-signoff.ts';

export interface AfterAssessmentDeps extends RequestSignoffDeps {
  signoffs: RequestSignoffDeps['signoffs'] & Pick<SignoffRepository, 'markStale'>;
}

export class AssessmentMessageNotPostedYet extends Error {
  override name = 'AssessmentMessageNotPostedYet';
}

/**
 * When an assessment completes: older open sign-off requests of the same service and environment become
 * STALE (their messages say so), and the policy may ask for sign-off at once. Safe to run again.
 */
export async function afterAssessmentCompleted(deps: AfterAssessmentDeps, assessmentId: string): Promise<void> {
  const view = await deps.assessments.find(assessmentId);
  if (view?.status !== 'COMPLETED') return;
  const policy = signoffPolicyFor(deps.config, view.service, view.environment);
  if (!policy) return;
  if (policy.dismissStaleOnNewAssessment) {
    const stale = await deps.signoffs.markStale({ service: view.service, environment: view.environment, newerAssessmentId: view.id, at: deps.now() });
    for (const request of stale) await deps.effects.publish(request);
  }
  if (!policy.autoRequest || view.verdict === null || !policy.eligibleVerdicts.includes(view.verdict)) return;
  const requested = await requestSignoff(deps, { assessmentId, requestedBy: view.requestedBy });
  // The request lives in the assessment message's thread; the job retries until the bot has posted it.
  if (!requested.ok && requested.reason === 'no_message') throw new AssessmentMessageNotPostedYet(`assessment ${assessmentId} has no message yet`);
}
