import type { Queue } from 'bullmq';
import type { IntakeRefusals } from '../assessments/assessment.ports.ts';
import { jobIds } from './names.ts';

/**
 * How long the mark of a refused run is kept: far past the intake delay (30 s) and the intake's retries (about
 * 2 h, jobOptions.intake), so an intake job that lands late still finds it when it runs, even on workers that were
 * down for a while. One small key per refused run, and refusals are rare.
 * @defaultValue 86400000 (24 h)
 */
export const INTAKE_REFUSAL_TTL_MS = 24 * 3600 * 1000;

/** The mark's key, beside the intake queue's own keys (same prefix, same Cluster slot). */
function refusalKey(intake: Queue, requestKey: string): string {
  return intake.toKey(`refused:${jobIds.intake(requestKey)}`);
}

/**
 * Marks a run as refused, on the intake queue's own connection: commands on one connection run in the order they
 * were sent, so an add this process sent before the mark is in Redis before it, and one sent later still sees it
 * when it runs (IntakeRefusals).
 */
export async function markIntakeRefused(intake: Queue, requestKey: string): Promise<void> {
  const client = await intake.getBackend().client;
  await client.set(refusalKey(intake, requestKey), '1', { PX: INTAKE_REFUSAL_TTL_MS });
}

export function intakeRefusalsFor(intake: Queue): IntakeRefusals {
  return {
    async wasRefused(requestKey) {
      const client = await intake.getBackend().client;
      return (await client.get(refusalKey(intake, requestKey))) !== null;
    },
  };
}
