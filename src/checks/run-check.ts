import type { CheckOutcome, CheckRunner, CheckTarget } from './check.types.ts';
import { runners, type CheckSpec } from './registry.ts';

export interface TimedOutcome extends CheckOutcome {
  durationMs: number;
}

/**
 * Runs one check under its own timeout. Never throws: whatever goes wrong inside a check is reported on the
 * check (status ERROR), so one broken check cannot take the worker or the assessment down with it. `target`
 * says what it is run for (a webhook check sends it); without it the check runs on its own.
 */
export async function runCheck(
  spec: CheckSpec,
  target?: CheckTarget,
  now: () => number = performance.now.bind(performance),
): Promise<TimedOutcome> {
  const startedAt = now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), spec.timeoutMs);
  const elapsed = () => Math.round(now() - startedAt);
  try {
    const runner = runners[spec.type] as CheckRunner;
    const outcome = await runner(spec, { signal: controller.signal, now, target });
    return { ...outcome, durationMs: elapsed() };
  } catch (error) {
    if (controller.signal.aborted) {
      return {
        status: 'ERROR',
        message: `no answer within the ${spec.timeoutMs} ms timeout`,
        evidence: { timeoutMs: spec.timeoutMs },
        durationMs: elapsed(),
      };
    }
    return {
      status: 'ERROR',
      message: `the check could not run: ${(error as Error).message}`,
      evidence: {},
      durationMs: elapsed(),
    };
  } finally {
    clearTimeout(timer);
  }
}
