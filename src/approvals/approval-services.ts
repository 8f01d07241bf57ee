import type { AssessmentView } from '../assessments/assessment.types.ts';
import type { AfterAssessmentDeps } from './after-assessment.ts';
import type { ExpireSignoffDeps } from './expire-signoff.ts';
import type { signoffBadge } from './badge.ts';
import type { OverrideDeps } from './override.ts';
import type { SignoffEffects } from './request-signoff.ts';
import type { SignDeps } from './sign-off.ts';
import type { SignoffRequestView } from './signoff.types.ts';

/** What a sign-off message re-render found: done, no such request, or no message posted yet to update. */
export type SignoffRefreshOutcome = 'updated' | 'no_message_yet' | 'not_found';

/** Everything a sign-off change does outside the database, including the expiry notice and override announcement. */
export interface ApprovalEffects extends SignoffEffects {
  notifyExpired(request: SignoffRequestView): Promise<void>;
  announceOverride(request: SignoffRequestView): Promise<void>;
  deliverOwedNotices(request: SignoffRequestView): Promise<void>;
}

/**
 * Sign-off as the edges (buttons, `/readiness override`, the workers) are given it: the use cases' dependencies
 * and the follow-ups of an assessment. `src/main` builds it.
 */
export interface ApprovalServices {
  /** Dependencies of request, sign, precheck and after-assessment; override adds `effects` below. */
  domain: AfterAssessmentDeps & SignDeps & Omit<OverrideDeps, 'effects'>;
  effects: ApprovalEffects;
  /** Marks older requests stale and may request sign-off at once (the assessment's completion job). */
  afterCompletion(assessmentId: string): Promise<void>;
  /** Re-renders the sign-off message from the database (the render job's processor). */
  refreshSignoff(requestId: string): Promise<SignoffRefreshOutcome>;
  /** What the assessment message shows about sign-off, if its environment has a policy. */
  signoffBadge(view: AssessmentView): Promise<ReturnType<typeof signoffBadge>>;
  /** The expiry timer's dependencies. */
  signoffJob: ExpireSignoffDeps;
}
