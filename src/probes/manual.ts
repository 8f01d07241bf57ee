import type { CheckOutcome } from '../checks/check.types.ts';
import type { ManualCheckSpec } from '../checks/specs/manual.ts';

/** Manual checks are never run by a worker or the CLI; a person attests them. Reaching here is a bug. */
export async function runManualCheck(spec: ManualCheckSpec): Promise<CheckOutcome> {
  return { status: 'ERROR', message: `manual check ${spec.id} cannot be run automatically: it is attested in Slack`, evidence: {} };
}
