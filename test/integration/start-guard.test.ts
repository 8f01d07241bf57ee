import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { SHIPPED_TEMPLATES } from '../../src/deployments/default-templates.ts';
import { buildPlan } from '../../src/deployments/plan.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import type { DeploymentRepository } from '../../src/deployments/deployment.ports.ts';
import { createDeploymentRepository } from '../../src/store/deployments/index.ts';
import { createDb, type Db } from '../../src/store/prisma.ts';
import { seedGoAssessment, startGuard } from '../support/go-assessment.ts';

// Start's guarded statement on its own: whatever the use case saw a moment before, the transition re-checks the GO
// in SQL, so a NO-GO (or an expiry) committed between the look and the click's statement is never started past.
let db: Db;
let repo: DeploymentRepository;

beforeAll(() => {
  db = createDb(inject('databaseUrl'), silentLogger);
  repo = createDeploymentRepository(db);
});
afterAll(async () => db.$disconnect());

const PLAN = (() => {
  const template = SHIPPED_TEMPLATES.standard;
  if (!template) throw new Error('no standard template');
  const built = buildPlan('standard', template, { deployUrl: 'http://127.0.0.1:9', service: 'guarded', environment: 'x', version: 'latest' });
  if (!built.ok) throw new Error(built.problems.join('; '));
  return built.plan;
})();

async function planned(environment: string, assessmentId: string, planExpiresAt = new Date(Date.now() + 3_600_000)) {
  const { deployment } = await repo.create({
    requestKey: randomUUID(),
    service: 'guarded',
    environment,
    template: 'standard',
    version: null,
    requestedBy: 'U0DEPLOYER',
    channelId: 'C0GUARD',
    threadTs: null,
    assessmentId,
    plan: PLAN,
    planExpiresAt,
  });
  return deployment.id;
}

describe('the guarded PLANNED -> RUNNING statement', () => {
  it('starts on the newest fresh GO', async () => {
    const environment = `ok-${randomUUID().slice(0, 8)}`;
    const id = await planned(environment, await seedGoAssessment(db, 'guarded', environment));
    expect((await repo.start(id, 'U0DEPLOYER', new Date(), startGuard(new Date()))).applied).toBe(true);
  });

  it('does nothing when a newer assessment completed after the plan, even one the caller never saw', async () => {
    const environment = `newer-${randomUUID().slice(0, 8)}`;
    const id = await planned(environment, await seedGoAssessment(db, 'guarded', environment, new Date(Date.now() - 60_000)));
    const newer = await seedGoAssessment(db, 'guarded', environment);
    await db.assessment.update({ where: { id: newer }, data: { verdict: 'NO_GO' } });
    const result = await repo.start(id, 'U0DEPLOYER', new Date(), startGuard(new Date()));
    expect(result).toMatchObject({ applied: false, deployment: { status: 'PLANNED', startedAt: null } });
    expect(await db.deploymentLock.count({ where: { environment } })).toBe(0);
  });

  it('does nothing past the freshness window, past the plan expiry, or without the GO decision sign-off requires', async () => {
    const environment = `old-${randomUUID().slice(0, 8)}`;
    const now = new Date();
    const id = await planned(environment, await seedGoAssessment(db, 'guarded', environment, new Date(now.getTime() - 2 * 3_600_000)));
    expect((await repo.start(id, 'U0DEPLOYER', now, { requiresSignoff: false, decidedAfter: new Date(now.getTime() - 3_600_000) })).applied).toBe(
      false,
    );
    expect((await repo.start(id, 'U0DEPLOYER', now, { requiresSignoff: true, decidedAfter: new Date(now.getTime() - 24 * 3_600_000) })).applied).toBe(
      false,
    );
    const expiredEnvironment = `expired-${randomUUID().slice(0, 8)}`;
    const expired = await planned(expiredEnvironment, await seedGoAssessment(db, 'guarded', expiredEnvironment), new Date(now.getTime() - 1));
    expect((await repo.start(expired, 'U0DEPLOYER', now, startGuard(now))).applied).toBe(false);
    expect((await repo.start(id, 'U0DEPLOYER', now, startGuard(now))).applied).toBe(true);
  });
});
