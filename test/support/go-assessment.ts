import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/prisma.ts';

/**
 * A completed GO assessment of the service and environment, the newest there: what a deployment must rely on for
 * Start's guarded statement to let it run. For tests that build deployments through the repository directly.
 */
export async function seedGoAssessment(db: Db, service: string, environment: string, completedAt = new Date()): Promise<string> {
  const id = randomUUID();
  await db.assessment.create({
    data: {
      id,
      service,
      environment,
      status: 'COMPLETED',
      verdict: 'GO',
      score: 100,
      requestKey: `seed-${id}`,
      requestedBy: 'U0SEED',
      channelId: 'C0DEMO',
      completedAt,
    },
  });
  return id;
}

/** The guard of a Start in an environment without sign-off and the default 24 h freshness window. */
export const startGuard = (now: Date) => ({ requiresSignoff: false, decidedAfter: new Date(now.getTime() - 24 * 3_600_000) });

/** When a plan made now expires by default. */
export const inAnHour = () => new Date(Date.now() + 3_600_000);
