import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_ERROR_ATTEMPTS, deploymentProcessor, failedForGood } from '../../../jobs/deployment.ts';

const DEPLOYMENT_ID = '7d1e2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';

/** A phase job whose deployment lookup throws `error`, remembering what the processor wrote into its data. */
function phaseJob(error: Error, attemptsMade = 0) {
  const written: Record<string, unknown>[] = [];
  const job = {
    name: 'phase',
    data: { deploymentId: DEPLOYMENT_ID, phaseIndex: 1, generation: 1 },
    attemptsMade,
    opts: { attempts: 200 },
    updateData: async (data: Record<string, unknown>) => void written.push(data),
  };
  const deps = { deployments: { find: async () => Promise.reject(error) } };
  return { job, deps, written };
}

describe('deployment jobs and our own outages', () => {
  it('a database error is retried (not given up) and the job remembers when the outage began and what failed', async () => {
    const error = Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' });
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
    expect(early.written).toEqual([]);
    const last = phaseJob(error, DEPLOYMENT_ERROR_ATTEMPTS - 1);
    const thrown = (await deploymentProcessor(last.deps as never)(last.job as never).catch((caught: unknown) => caught)) as Error;
    expect(thrown).toBeInstanceOf(UnrecoverableError);
    expect(failedForGood(last.job, thrown)).toBe(true);
  });
});
