import { describe, expect, it } from 'vitest';
import { classifyInfrastructureError } from '../../../src/assessments/infrastructure-error.ts';
import {
  currentOutage,
  decideInfrastructureRetry,
  extendOutage,
  OUTAGE_GAP_MS,
  infrastructureBackoffMs,
  infrastructureCauseOf,
  infrastructureGiveUpReason,
} from '../../../src/assessments/infrastructure-retry.ts';
import { finishAssessment, type FinishDeps } from '../../../src/assessments/finish-assessment.ts';
import type { AssessmentView } from '../../../src/assessments/assessment.types.ts';
import { checkResult } from '../../support/fixtures/check-result.ts';

describe('decideInfrastructureRetry', () => {
  it('retries inside the window and gives up past it with the cause', () => {
    expect(decideInfrastructureRetry({ failingSince: 0, now: 59_999, windowMs: 60_000, attempt: 9, component: 'database' })).toEqual({
      action: 'retry',
    });
    expect(decideInfrastructureRetry({ failingSince: 0, now: 60_000, windowMs: 60_000, attempt: 9, component: 'database' })).toEqual({
      action: 'give_up',
      cause: 'the database did not answer for 60 s',
    });
    expect(
      decideInfrastructureRetry({ failingSince: 0, now: 70_000, windowMs: 60_000, attempt: 9, component: 'redis', detail: 'ECONNREFUSED' }),
    ).toEqual({
      action: 'give_up',
      cause: 'the job queue (Redis) did not answer for 60 s (ECONNREFUSED)',
    });
  });

  it('anything but the database or Redis: a few attempts, then that check alone is ERROR', () => {
    const internal = { failingSince: 0, now: 0, windowMs: 60_000, component: 'internal', detail: 'worker lost its network' } as const;
    expect(decideInfrastructureRetry({ ...internal, attempt: 2 })).toEqual({ action: 'retry' });
    expect(decideInfrastructureRetry({ ...internal, attempt: 3 })).toEqual({ action: 'check_error', reason: 'worker lost its network' });
  });

  it('backs off from 500 ms, doubling, never more than 5 s apart', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(infrastructureBackoffMs)).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('finds the cause in a give-up reason, and only there', () => {
    expect(infrastructureCauseOf(infrastructureGiveUpReason('the database did not answer for 60 s'))).toBe('the database did not answer for 60 s');
    expect(infrastructureCauseOf('job stalled more than allowable limit')).toBeUndefined();
  });
});

describe('one outage is a run of failures close together', () => {
  it('a failure within the gap of the last one goes on with the outage; a later one starts a new outage', () => {
    const first = extendOutage(undefined, 1000);
    expect(first).toEqual({ since: 1000, lastAt: 1000 });
    const retried = extendOutage(first, 1000 + 5000);
    expect(retried).toEqual({ since: 1000, lastAt: 6000 });
    expect(currentOutage(retried, 6000 + OUTAGE_GAP_MS)).toBe(retried);
    // A blip, then 5 minutes of work, then another blip: not 300 s without a database.
    expect(currentOutage(retried, 6000 + 300_000)).toBeUndefined();
    expect(extendOutage(retried, 6000 + 300_000)).toEqual({ since: 306_000, lastAt: 306_000 });
  });
});

describe('classifyInfrastructureError', () => {
  it('tells the database from Redis from anything else by the error and its causes', () => {
    expect(
      classifyInfrastructureError(
        Object.assign(new Error("Can't reach database server"), { name: 'PrismaClientInitializationError', errorCode: 'P1001' }),
      ),
    ).toBe('database');
    const closed = Object.assign(new Error('ConnectionClosed'), { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } });
    expect(classifyInfrastructureError(new Error('wrapped', { cause: closed }))).toBe('database');
    expect(classifyInfrastructureError(new Error('Connection is closed.'))).toBe('redis');
    expect(classifyInfrastructureError(new TypeError('undefined is not a function'))).toBe('internal');
  });
});

describe('finishAssessment after an outage', () => {
  const view = (status: AssessmentView['status']): AssessmentView => ({
    id: 'a1',
    service: 'checkout',
    environment: 'production',
    status,
    requestedBy: 'U1',
    channelId: 'C1',
    messageTs: null,
    score: null,
    verdict: null,
    thresholds: { go: 95, caution: 80 },
    failureReason: status === 'UNASSESSABLE' ? 'the database did not answer for 60 s' : null,
    createdAt: new Date(0),
    completedAt: null,
    checks: [checkResult('health', 'PENDING')],
  });

  function deps(status: AssessmentView['status']) {
    const calls: string[] = [];
    const finish: FinishDeps = {
      assessments: {
        find: async () => view(status),
        recordCheckOutcome: async () => {
          calls.push('recordCheckOutcome');
          return true;
        },
        complete: async () => {
          calls.push('complete');
          return undefined;
        },
        markUnassessable: async (_id, cause) => {
          calls.push(`markUnassessable ${cause}`);
          return true;
        },
      },
      scheduler: { requestRender: async () => undefined },
      now: () => new Date(0),
    };
    return { finish, calls };
  }

  it('ends "could not assess" with the cause, never scoring the checks it could not run', async () => {
    const { finish, calls } = deps('RUNNING');
    const failed = new Map([['health', infrastructureGiveUpReason('the database did not answer for 60 s')]]);
    expect(await finishAssessment(finish, { assessmentId: 'a1', failedChecks: failed })).toEqual({
      ok: false,
      reason: 'unassessable',
      cause: 'the database did not answer for 60 s',
    });
    expect(calls).toEqual(['markUnassessable the database did not answer for 60 s']);
  });

  it('a re-run of the job on an assessment that could not be assessed changes nothing and reports it again', async () => {
    const { finish, calls } = deps('UNASSESSABLE');
    expect(await finishAssessment(finish, { assessmentId: 'a1', failedChecks: new Map() })).toMatchObject({ ok: false, reason: 'unassessable' });
    expect(calls).toEqual([]);
  });
});
