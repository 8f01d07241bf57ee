import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_ERROR_ATTEMPTS, deploymentProcessor, failedForGood, phaseOutageCause } from '../../../jobs/deployment.ts';

/** As Prisma reports our database not answering (see test/unit/assessments/infrastructure-error.test.ts). */
const databaseDown = () =>
  new PrismaClientKnownRequestError("Can't reach database server at 127.0.0.1:5432", { code: 'P1001', clientVersion: '7.0.0' });
const DEPLOYMENT_ID = '7d1e2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';

/** A phase job whose deployment lookup throws `error`, remembering what the processor wrote into its data. */
function phaseJob(error: Error, attemptsMade = 0, note: Record<string, unknown> = {}) {
  const written: Record<string, unknown>[] = [];
  const job = {
    name: 'phase',
    data: { deploymentId: DEPLOYMENT_ID, phaseIndex: 1, generation: 1, ...note } as Record<string, unknown>,
    attemptsMade,
    opts: { attempts: 200 },
    updateData: async (data: Record<string, unknown>) => {
      written.push(data);
      job.data = data;
    },
  };
  const deps = { deployments: { find: async () => Promise.reject(error) } };
  return { job, deps, written };
}

describe('deployment jobs and our own outages', () => {
  it('a database error is retried (not given up) and the job remembers when the outage began and what failed', async () => {
    const error = databaseDown();
    const { job, deps, written } = phaseJob(error, 7);
    await expect(deploymentProcessor(deps as never)(job as never)).rejects.toBe(error);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      deploymentId: DEPLOYMENT_ID,
      infrastructureComponent: 'database',
      infrastructureFailingSince: expect.any(Number),
    });
    expect(failedForGood(job, error)).toBe(false);
  });

  it('any other throw is tried DEPLOYMENT_ERROR_ATTEMPTS times, then fails for good (and its deployment with it)', async () => {
    const error = new TypeError('plan.phases is not iterable');
    const early = phaseJob(error, 0);
    await expect(deploymentProcessor(early.deps as never)(early.job as never)).rejects.toBe(error);
    expect(early.written).toEqual([expect.objectContaining({ errorAttempts: 1 })]);
    const last = phaseJob(error, DEPLOYMENT_ERROR_ATTEMPTS - 1, { errorAttempts: DEPLOYMENT_ERROR_ATTEMPTS - 1 });
    const thrown = (await deploymentProcessor(last.deps as never)(last.job as never).catch((caught: unknown) => caught)) as Error;
    expect(thrown).toBeInstanceOf(UnrecoverableError);
    expect(failedForGood(last.job, thrown)).toBe(true);
  });

  it('outage retries do not spend the error budget: 4 database failures, then one other throw, is retried', async () => {
    const database = databaseDown();
    const other = new TypeError('plan.phases is not iterable');
    const { job, written } = phaseJob(database);
    const failWith = (error: Error) => deploymentProcessor({ deployments: { find: async () => Promise.reject(error) } } as never);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      job.attemptsMade = attempt;
      await expect(failWith(database)(job as never)).rejects.toBe(database);
    }
    job.attemptsMade = 4;
    // Before: attemptsMade + 1 = 5 >= DEPLOYMENT_ERROR_ATTEMPTS, so the first other throw failed the deployment.
    const thrown = await failWith(other)(job as never).catch((caught: unknown) => caught);
    expect(thrown).toBe(other);
    expect(failedForGood(job, thrown as Error)).toBe(false);
    expect(written.at(-1)).toMatchObject({ errorAttempts: 1, infrastructureComponent: 'database' });
  });

  it('an outage the job got past is not counted: a blip, 5 minutes of work, another blip start a new outage', async () => {
    const database = databaseDown();
    const fiveMinutesAgo = Date.now() - 5 * 60_000;
    const stale = { infrastructureFailingSince: fiveMinutesAgo, infrastructureLastFailureAt: fiveMinutesAgo + 1000 };
    const { job, written } = phaseJob(database, 3, { ...stale, infrastructureComponent: 'database', infrastructureDetail: 'old' });
    const before = Date.now();
    await expect(failWithDatabase(database)(job as never)).rejects.toBe(database);
    expect(written.at(-1)?.infrastructureFailingSince).toBeGreaterThanOrEqual(before);
    expect(written.at(-1)?.infrastructureDetail).toContain("Can't reach database");

    // The attempt that gets through after that stale outage does not pause the deployment; a current one past the window does.
    const now = Date.now();
    const cause = { infrastructureComponent: 'database', infrastructureDetail: 'P1001' };
    expect(phaseOutageCause({ ...stale, ...cause }, now, 60_000)).toBeUndefined();
    const current = { infrastructureFailingSince: now - 75_000, infrastructureLastFailureAt: now - 4000, ...cause };
    expect(phaseOutageCause(current, now, 60_000)).toBe('the database did not answer for 75 s (P1001)');
    expect(phaseOutageCause({ ...current, infrastructureFailingSince: now - 20_000 }, now, 60_000)).toBeUndefined();
  });
});

const failWithDatabase = (error: Error) => deploymentProcessor({ deployments: { find: async () => Promise.reject(error) } } as never);
