import type { Decision } from '../../approvals/signoff.types.ts';

/** A sign-off decision as people read it, wherever it shows. */
export const DECISION_WORD: Record<Decision, string> = { GO: 'GO', GO_WITH_CAUTION: 'GO WITH CAUTION', NO_GO: 'NO-GO' };
