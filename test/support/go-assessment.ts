import { randomUUID } from 'node:crypto';
import { SHIPPED_TEMPLATES } from '../../src/deployments/default-templates.ts';
import type { DeploymentRepository } from '../../src/deployments/deployment.ports.ts';
import { buildPlan } from '../../src/deployments/plan.ts';
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

/**
 * A deployment of the standard template whose Start committed (RUNNING in phase 0 of generation 1, the lock taken),
 * built through the repository with no job enqueued: for tests that play what a process did, or died before doing.
 */
export async function startedDeployment(
  runtime: { db: Db; deployments: DeploymentRepository },
  input: { service: string; environment: string; deployUrl: string; channelId: string; requestedBy: string },
): Promise<string> {
  const template = SHIPPED_TEMPLATES.standard;
  if (!template) throw new Error('the standard template is missing');
  const { service, environment } = input;
  const planned = buildPlan('standard', template, { deployUrl: input.deployUrl, service, environment, version: 'v1' });
  if (!planned.ok) throw new Error(planned.problems.join('; '));
  const { deployment } = await runtime.deployments.create({
    requestKey: `started-${randomUUID()}`,
    service,
    environment,
    template: 'standard',
    version: 'v1',
    requestedBy: input.requestedBy,
    channelId: input.channelId,
    threadTs: null,
    assessmentId: await seedGoAssessment(runtime.db, service, environment),
    plan: planned.plan,
    planExpiresAt: inAnHour(),
  });
  const now = new Date();
  const started = await runtime.deployments.start(deployment.id, input.requestedBy, now, startGuard(now));
  if (!('applied' in started) || !started.applied) throw new Error(`the deployment of ${service} in ${environment} did not start`);
  return deployment.id;
}
