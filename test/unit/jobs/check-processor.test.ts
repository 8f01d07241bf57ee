import { describe, expect, it } from 'vitest';
import { checkProcessor } from '../../../jobs/check.ts';
import type { CheckOutcomeAt, StoredCheckSpec } from '../../../src/assessments/assessment.ports.ts';

const ASSESSMENT = '6f1c1c1e-1b1a-4c4e-8a57-3f0c2f1d9a10';
const spec = (id: string) => ({
  id,
  name: id,
  type: 'http',
  category: 'infrastructure',
  severity: 'high',
  url: `http://127.0.0.1:1/${id}`,
  timeoutMs: 1000,
});
/** As Prisma throws it when the server does not answer (a PrismaClientInitializationError with its errorCode). */
const databaseDown = () =>
  Object.assign(new Error("Can't reach database server at `127.0.0.1:5432`"), { name: 'PrismaClientInitializationError', errorCode: 'P1001' });

/**
 * A batch of two checks: c1's runner always crashes; the database does not answer for the first `outageAttempts`
 * attempts. In-memory ports and a job that keeps what the processor writes into its data, as BullMQ does.
 */
function scenario(outageAttempts: number) {
  const rows = new Map<string, StoredCheckSpec>(
    ['c0', 'c1'].map((id) => [id, { spec: spec(id), status: 'PENDING', service: 'checkout', environment: 'production' }]),
  );
  const recorded: CheckOutcomeAt[] = [];
  const job = { name: 'checks', data: { assessmentId: ASSESSMENT, checkIds: ['c0', 'c1'] } as Record<string, unknown>, attemptsMade: 0 };
  const updateData = async (data: Record<string, unknown>) => {
    job.data = data;
  };
  const process = checkProcessor({
    assessments: {
      findCheckSpecs: async () => {
        if (job.attemptsMade < outageAttempts) throw databaseDown();
        return new Map(rows);
      },
      markRunning: async () => false,
      countUnfinishedChecks: async () => [...rows.values()].filter((row) => row.status === 'PENDING').length,
      recordCheckOutcomes: async (_id, outcomes) => {
        for (const entry of outcomes) {
          rows.set(entry.checkId, { ...(rows.get(entry.checkId) as StoredCheckSpec), status: entry.outcome.status });
          recorded.push(entry);
        }
        return new Set(outcomes.map((entry) => entry.checkId));
      },
      complete: async () => undefined,
    },
    scheduler: { requestRender: async () => undefined },
    runCheck: async (check) => {
      if (check.id === 'c1') throw new TypeError('egress set-up failed');
      return { status: 'PASS', message: 'answered 200', evidence: {}, durationMs: 3 };
    },
    now: () => new Date(),
    checksInFlight: 4,
    infrastructureRetryWindowMs: 60_000,
  });
  /** One delivery: what it threw, if anything; attemptsMade goes up as BullMQ's does on a retry. */
  const attempt = async () => {
    const thrown = await process({ ...job, updateData } as never).then(
      () => undefined,
      (error: unknown) => error,
    );
    job.attemptsMade += 1;
    return thrown;
  };
  return { attempt, recorded, job };
}

describe('check batch jobs: outage retries and crashes are counted apart', () => {
  it('4 attempts lost to a database outage do not spend a crashing check’s budget: it is recorded ERROR on its third crash', async () => {
    const { attempt, recorded, job } = scenario(4);
    for (let i = 0; i < 4; i += 1) expect(await attempt()).toMatchObject({ errorCode: 'P1001' });
    expect(job.data).toMatchObject({ errorAttempts: 0, infrastructureFailingSince: expect.any(Number) });

    // Attempt 5: before, attemptsMade + 1 = 5 >= CHECK_ERROR_ATTEMPTS recorded c1 ERROR on its first crash.
    expect(await attempt()).toMatchObject({ message: 'egress set-up failed' });
    expect(recorded.map((entry) => [entry.checkId, entry.outcome.status])).toEqual([['c0', 'PASS']]);
    expect(job.data.checkCrashes).toEqual({ c1: 1 });
    expect(await attempt()).toMatchObject({ message: 'egress set-up failed' });
    expect(await attempt()).toBeUndefined();
    expect(recorded.map((entry) => [entry.checkId, entry.outcome.status])).toEqual([
      ['c0', 'PASS'],
      ['c1', 'ERROR'],
    ]);
  });

  it('a batch outage that began long ago and was got past is not this outage: the window starts again', async () => {
    const { attempt, job } = scenario(1);
    const longAgo = Date.now() - 10 * 60_000;
    job.data = { ...job.data, infrastructureFailingSince: longAgo, infrastructureLastFailureAt: longAgo + 500 };
    const before = Date.now();
    // With the old note kept, 10 minutes > the 60 s window would have given the assessment up at once.
    expect(await attempt()).toMatchObject({ errorCode: 'P1001' });
    expect(job.data.infrastructureFailingSince).toBeGreaterThanOrEqual(before);
  });
});
