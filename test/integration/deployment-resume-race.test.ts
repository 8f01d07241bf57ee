import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { SHIPPED_TEMPLATES } from '../../src/deployments/default-templates.ts';
import { buildPlan } from '../../src/deployments/plan.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import type { DeploymentRepository } from '../../src/deployments/deployment.ports.ts';
import { createDeploymentRepository } from '../../src/store/deployments/index.ts';
import { createDb, type Db } from '../../src/store/prisma.ts';
import { seedGoAssessment, startGuard } from '../support/go-assessment.ts';

/**
 * Resume against the old phase job, on real Postgres: each step is one guarded statement (or a locked transaction),
 * so whatever the interleaving, exactly one job goes on with the phase and no task is started by two jobs.
 */
const DEPLOYER = 'U0DEPLOYER';
const ROUNDS = 40;
const SERVICE = `resume-race-${randomUUID().slice(0, 8)}`;
const NOW = new Date();

let db: Db;
let repo: DeploymentRepository;

beforeAll(async () => {
  db = createDb(inject('databaseUrl'), silentLogger);
  repo = createDeploymentRepository(db);
});
afterAll(async () => {
  await db.deploymentLock.deleteMany({ where: { service: SERVICE } });
  await db.deployment.deleteMany({ where: { service: SERVICE } });
  await db.$disconnect();
});

const PLAN = (() => {
  const template = SHIPPED_TEMPLATES.standard;
  if (!template) throw new Error('no standard template');
  const built = buildPlan('standard', template, { deployUrl: 'http://127.0.0.1:9', service: SERVICE, environment: 'race', version: 'latest' });
  if (!built.ok) throw new Error(built.problems.join('; '));
  return built.plan;
})();

/** A started deployment of the standard template, in phase 0 of generation 1, its own environment. */
async function started(round: number, label: string) {
  const { deployment } = await repo.create({
    requestKey: randomUUID(),
    service: SERVICE,
    environment: `${label}-${round}`,
    template: 'standard',
    version: null,
    requestedBy: DEPLOYER,
    channelId: 'C0RACE',
    threadTs: null,
    assessmentId: await seedGoAssessment(db, SERVICE, `${label}-${round}`, NOW),
    plan: PLAN,
    planExpiresAt: new Date(NOW.getTime() + 3_600_000),
  });
  const run = await repo.start(deployment.id, DEPLOYER, NOW, startGuard(NOW));
  if (!run.applied) throw new Error('did not start');
  return deployment.id;
}

const task = { stage: 'deploy' as const, taskId: 'prepare', generation: 1 };
const done = { status: 'SUCCEEDED' as const, message: 'ok' };
const key = (deployment: { currentPhase: number; generation: number }) => `${deployment.currentPhase}/${deployment.generation}`;

/** The old job's end of phase 0: it enqueues the next phase only when the deployment is RUNNING, as runPhase does. */
async function oldJobCompletes(id: string, jobs: Set<string>) {
  const completed = await repo.completePhase(id, { phaseIndex: 0, generation: 1, isLast: false }, NOW);
  if (completed.applied && completed.deployment.status === 'RUNNING') jobs.add(key(completed.deployment));
  return completed.applied;
}

/** Resume as controlDeployment does it: a new job only when the pause had taken effect. */
async function resume(id: string, jobs: Set<string>) {
  const resumed = await repo.resume(id, DEPLOYER);
  expect(resumed.applied).toBe(true);
  if (resumed.applied && resumed.newJob) jobs.add(key(resumed.deployment));
  return resumed.applied && resumed.newJob;
}

describe('Resume racing the phase job', () => {
  it('against a task start: the task is started by the old job and Resume cancels the pause, or Resume hands the phase to a new job and the old one starts nothing', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const id = await started(round, 'start');
      await repo.pause(id, DEPLOYER);
      const [marked, newJob] = await Promise.all([repo.markTaskRunning(id, task, NOW), resume(id, new Set())]);
      expect({ round, marked, newJob }).toEqual({ round, marked: !newJob, newJob });
      expect((await repo.find(id))?.generation).toBe(newJob ? 2 : 1);
    }
  });

  it("against the old job completing the phase: exactly one job goes on, the one of the deployment's phase and generation", async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const id = await started(round, 'boundary');
      await repo.markTaskRunning(id, task, NOW);
      await repo.pause(id, DEPLOYER);
      const jobs = new Set<string>();
      // The old job records its last task and reaches the boundary while Resume is clicked.
      const oldJob = async () => {
        await repo.recordTask(id, 'deploy', 'prepare', done, NOW);
        return oldJobCompletes(id, jobs);
      };
      const [completed, newJob] = await Promise.all([oldJob(), resume(id, jobs)]);
      const after = await repo.find(id);
      expect(after?.status).toBe('RUNNING');
      expect([...jobs]).toEqual([key(after ?? { currentPhase: -1, generation: -1 })]);
      // Resume handed phase 0 to a new job: the old job's completion was refused, and the new job completes it.
      if (newJob && after?.currentPhase === 0) expect(completed).toBe(false);
      if (!newJob) expect(after).toMatchObject({ currentPhase: 1, generation: 1 });
    }
  });

  it('a Pause, Resume, Pause, Resume in a row mid-task keeps the generation; each step applies and is audited', async () => {
    const id = await started(0, 'flicker');
    await repo.markTaskRunning(id, task, NOW);
    for (let step = 0; step < 2; step += 1) {
      expect((await repo.pause(id, DEPLOYER)).applied).toBe(true);
      const resumed = await repo.resume(id, DEPLOYER);
      expect(resumed).toMatchObject({ applied: true, newJob: false, deployment: { status: 'RUNNING', generation: 1 } });
    }
    const [twice, again] = await Promise.all([repo.resume(id, DEPLOYER), repo.resume(id, DEPLOYER)]);
    expect([twice.applied, again.applied]).toEqual([false, false]);
    const steps = await db.auditEvent.findMany({
      where: { subjectId: id, action: { in: ['deployment.paused', 'deployment.resumed'] } },
      orderBy: { seq: 'asc' },
    });
    expect(steps.map((event) => event.action)).toEqual(['deployment.paused', 'deployment.resumed', 'deployment.paused', 'deployment.resumed']);
  });
});

describe('what a failed deployment stores', () => {
  it('redacts credentials in failure reasons and task messages, whichever path wrote them', async () => {
    const leak = 'postgresql://deploy:hunter2-s3cret@db.internal/app';
    const id = await started(0, 'redacted-failure');
    await repo.markTaskRunning(id, task, NOW);
    await repo.recordTask(id, 'deploy', 'prepare', { status: 'FAILED', message: `the task could not run: ${leak}` }, NOW);
    const failed = await repo.fail(id, `the phase job failed for good: connect ${leak}`, NOW);
    expect(failed.applied).toBe(true);
    const stored = JSON.stringify([
      await db.deployment.findUniqueOrThrow({ where: { id } }),
      await db.deploymentTask.findMany({ where: { deploymentId: id } }),
      await db.auditEvent.findMany({ where: { subjectId: id } }),
    ]);
    expect(stored).toContain('db.internal');
    expect(stored).not.toContain('hunter2-s3cret');
  });
});
