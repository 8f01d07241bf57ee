import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { SHIPPED_TEMPLATES } from '../../src/deployments/default-templates.ts';
import { buildPlan } from '../../src/deployments/plan.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { createDeploymentRepository } from '../../src/store/deployments/index.ts';
import { warmUpDeploymentQueries } from '../../src/store/deployments/warm-up.ts';
import { createDb, type Db } from '../../src/store/prisma.ts';
import { seedGoAssessment, startGuard } from '../support/go-assessment.ts';

/** The start-up warm-up runs the deployment path's statements against a process's real database: it must change nothing. */
const SERVICE = `warm-up-${randomUUID().slice(0, 8)}`;
const NOW = new Date();

let db: Db;

beforeAll(() => {
  db = createDb(inject('databaseUrl'), silentLogger);
});
afterAll(async () => {
  await db.deploymentLock.deleteMany({ where: { service: SERVICE } });
  await db.deployment.deleteMany({ where: { service: SERVICE } });
  await db.$disconnect();
});

async function snapshot(id: string) {
  return {
    deployment: await db.deployment.findUniqueOrThrow({ where: { id } }),
    tasks: await db.deploymentTask.findMany({ where: { deploymentId: id }, orderBy: [{ stage: 'asc' }, { taskId: 'asc' }] }),
    audit: await db.auditEvent.findMany({ where: { subjectId: id }, orderBy: { seq: 'asc' } }),
    lock: await db.deploymentLock.findMany({ where: { service: SERVICE } }),
  };
}

describe('warmUpDeploymentQueries', () => {
  it('leaves a running deployment, its tasks, its audit trail and its lock exactly as they were, and writes nothing of its own', async () => {
    const repo = createDeploymentRepository(db);
    const template = SHIPPED_TEMPLATES.standard;
    if (!template) throw new Error('no standard template');
    const built = buildPlan('standard', template, { deployUrl: 'http://127.0.0.1:9', service: SERVICE, environment: 'warm', version: 'latest' });
    if (!built.ok) throw new Error(built.problems.join('; '));
    const { deployment } = await repo.create({
      requestKey: randomUUID(),
      service: SERVICE,
      environment: 'warm',
      template: 'standard',
      version: null,
      requestedBy: 'U0WARM',
      channelId: 'C0WARM',
      threadTs: null,
      assessmentId: await seedGoAssessment(db, SERVICE, 'warm', NOW),
      plan: built.plan,
      planExpiresAt: new Date(NOW.getTime() + 3_600_000),
    });
    const started = await repo.start(deployment.id, 'U0WARM', NOW, startGuard(NOW));
    expect(started.applied).toBe(true);
    const before = await snapshot(deployment.id);

    await warmUpDeploymentQueries(db);

    expect(await snapshot(deployment.id)).toEqual(before);
    expect(await db.auditEvent.count({ where: { actor: 'warm-up' } })).toBe(0);
    expect(await db.deploymentLock.count({ where: { holder: 'warm-up' } })).toBe(0);
  });
});
