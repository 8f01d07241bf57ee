import type { AssessmentView, CheckResultView } from '../assessments/assessment.types.ts';
import type { AssessmentRepository } from '../assessments/assessment.ports.ts';
import { truncate } from '../shared/text.ts';
import type { IncidentDeps } from './incident-deps.ts';
import type { IncidentSeverity } from './incident.types.ts';
import { openSystemIncident, type SystemIncidentInput, type SystemIncidentResult } from './open-system-incident.ts';

/** The previous completed assessment of the same service and environment, as far as regression detection needs it. */
export interface PreviousAssessment {
  id: string;
  verdict: string | null;
  checks: { checkId: string; status: string }[];
}

const FAILING = new Set(['FAIL', 'ERROR']);
const HELD = new Set(['PASS', 'WARN']);

/**
 * Critical checks that fail now but held in the previous completed assessment, when that one was GO. A check that is
 * new since then is not a regression; neither is anything on a service that was not GO. Pure.
 */
export function detectCriticalRegression(previous: PreviousAssessment | undefined, current: AssessmentView): CheckResultView[] {
  if (previous?.verdict !== 'GO' || current.status !== 'COMPLETED') return [];
  const before = new Map(previous.checks.map((check) => [check.checkId, check.status]));
  return current.checks.filter((check) => check.severity === 'critical' && FAILING.has(check.status) && HELD.has(before.get(check.checkId) ?? ''));
}

const CAUSE = 'critical-check-regression';

/** The incident a regression opens: in the assessment's thread, with the failing checks as evidence. Pure. */
export function regressionIncident(current: AssessmentView, regressed: readonly CheckResultView[], severity: IncidentSeverity): SystemIncidentInput {
  const names = regressed.map((check) => check.name).join(', ');
  const evidence: Record<string, unknown> = { assessment: current.id };
  for (const check of regressed) evidence[check.checkId] = `${check.status}: ${truncate(check.message ?? 'no message', 300)}`;
  return {
    service: current.service,
    environment: current.environment,
    cause: CAUSE,
    severity,
    title: truncate(`${current.service} (${current.environment}): ${names} failing after GO`, 120),
    summary: truncate(
      `${regressed.length === 1 ? 'A critical check fails' : `${regressed.length} critical checks fail`} on ${current.service} in ${current.environment}, ` +
        `which was GO in its previous assessment: ${regressed.map((check) => `${check.name} — ${check.message ?? check.status}`).join('; ')}`,
      2000,
    ),
    evidence,
    kind: regressed.some((check) => check.category === 'performance') ? 'slow-responses' : 'outage',
    ...(current.messageTs ? { thread: { channel: current.channelId, ts: current.messageTs } } : {}),
    stakeholders: /^[UW][A-Z0-9]{2,}$/.test(current.requestedBy) ? [current.requestedBy] : [],
    // The assessment job may run again after a failure: the same assessment reports once.
    occurrenceKey: `assessment_${current.id}`,
    originChannel: current.channelId,
  };
}

export interface RegressionDeps extends IncidentDeps {
  assessments: Pick<AssessmentRepository, 'find'>;
}

/** After an assessment completes: opens (or merges into) an incident when a critical check regressed. */
export async function reportCheckRegression(deps: RegressionDeps, assessmentId: string): Promise<SystemIncidentResult | undefined> {
  const current = await deps.assessments.find(assessmentId);
  if (current?.status !== 'COMPLETED') return undefined;
  const previous = await deps.incidents.previousCompletedAssessment(current.service, current.environment, current);
  const regressed = detectCriticalRegression(previous, current);
  if (regressed.length === 0) return undefined;
  const severity = deps.settings.config.checkRegressionSeverity.toUpperCase() as IncidentSeverity;
  return openSystemIncident(deps, regressionIncident(current, regressed, severity));
}
