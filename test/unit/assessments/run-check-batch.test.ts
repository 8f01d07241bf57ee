import { describe, expect, it } from 'vitest';
import type { CheckSpec } from '../../../src/config/readiness-config.schema.ts';
import { CheckBatchFailure, runCheckBatch, type CheckBatchDeps } from '../../../src/assessments/run-check-batch.ts';
import type { StoredCheckSpec } from '../../../src/assessments/assessment.ports.ts';
import type { CheckTarget } from '../../../src/checks/check.types.ts';
import { createLimiter } from '../../../src/shared/limiter.ts';

const ASSESSMENT = '6f1c1c1e-1b1a-4c4e-8a57-3f0c2f1d9a10';
const httpSpec = (id: string) => ({
  id,
  name: id,
  type: 'http',
  category: 'infrastructure',
  severity: 'high',
  url: `http://127.0.0.1:1/${id}`,
  timeoutMs: 1000,
});
const stored = (id: string): StoredCheckSpec => ({ spec: httpSpec(id), status: 'PENDING', service: 'checkout', environment: 'production' });
const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

/** In-memory stand-ins for the ports, recording what the domain asked of them. */
function fakes(
  checkIds: string[],
  options: { runCheck?: (spec: CheckSpec) => Promise<void>; recordFails?: (checkId: string) => Error | undefined } = {},
) {
  const rows = new Map(checkIds.map((id) => [id, stored(id)]));
  const calls = {
    run: [] as string[],
    targets: [] as CheckTarget[],
    recorded: [] as { checkId: string; status: string; attempts: number; message: string }[],
    marks: 0,
    finished: 0,
    inFlight: 0,
    peakInFlight: 0,
  };
  const deps: CheckBatchDeps = {
    assessments: {
      findCheckSpecs: async (_id, wanted) => new Map([...rows].filter(([id]) => !wanted || wanted.includes(id))),
      markRunning: async () => {
        calls.marks += 1;
        return calls.marks === 1;
      },
      countUnfinishedChecks: async () => [...rows.values()].filter((row) => row.status === 'PENDING').length,
    },
    recordOutcome: async (_id, checkId, outcome) => {
      const failure = options.recordFails?.(checkId);
      if (failure) throw failure;
      const row = rows.get(checkId);
      if (row?.status !== 'PENDING') return false;
      rows.set(checkId, { ...row, status: outcome.status });
      calls.recorded.push({ checkId, status: outcome.status, attempts: outcome.attempts, message: outcome.message });
      return true;
    },
    scheduler: { requestRender: async () => undefined },
    runCheck: async (spec, target) => {
      calls.run.push(spec.id);
      calls.targets.push(target);
      calls.inFlight += 1;
      calls.peakInFlight = Math.max(calls.peakInFlight, calls.inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        await options.runCheck?.(spec);
        return { status: 'PASS', message: 'answered 200', evidence: {}, durationMs: 12 };
      } finally {
        calls.inFlight -= 1;
      }
    },
    slot: createLimiter(1000),
    finish: async () => {
      calls.finished += 1;
    },
    now: () => new Date('2026-11-22T10:00:00Z'),
  };
  return { deps, calls, rows };
}

describe('runCheckBatch', () => {
  it("runs every pending check of the batch for its assessment's target, records each with the attempt, and gives the verdict when none is left", async () => {
    const { deps, calls } = fakes(ids(3));
    const result = await runCheckBatch(deps, { assessmentId: ASSESSMENT, checkIds: ids(3), attempt: 2 });
    expect(result).toEqual({ recorded: ids(3), alreadyRecorded: [], unknown: [], finished: true });
    expect(calls.targets).toEqual(ids(3).map(() => ({ service: 'checkout', environment: 'production', assessmentId: ASSESSMENT })));
    expect(calls.recorded.map((r) => [r.checkId, r.attempts])).toEqual(ids(3).map((id) => [id, 2]));
    expect(calls.finished).toBe(1);
  });

  it('leaves the verdict to the last batch: a batch that finishes while another has checks pending gives none', async () => {
    const { deps, calls } = fakes(ids(4));
    const result = await runCheckBatch(deps, { assessmentId: ASSESSMENT, checkIds: ids(2), attempt: 1 });
    expect(result.finished).toBe(false);
    expect(calls.finished).toBe(0);
    expect((await runCheckBatch(deps, { assessmentId: ASSESSMENT, checkIds: ['c2', 'c3'], attempt: 1 })).finished).toBe(true);
  });

  it('a redelivered batch runs only the checks that have no result yet', async () => {
    const { deps, calls, rows } = fakes(ids(4));
    rows.set('c1', { ...stored('c1'), status: 'PASS' });
    rows.set('c3', { ...stored('c3'), status: 'FAIL' });
    const result = await runCheckBatch(deps, { assessmentId: ASSESSMENT, checkIds: [...ids(4), 'gone'], attempt: 2 });
    expect(calls.run.sort()).toEqual(['c0', 'c2']);
    expect(result).toMatchObject({ alreadyRecorded: ['c1', 'c3'], unknown: ['gone'], finished: true });
  });

  it('runs the checks side by side, no more at once than the process allows', async () => {
    const { deps, calls } = fakes(ids(30));
    deps.slot = createLimiter(7);
    await runCheckBatch(deps, { assessmentId: ASSESSMENT, checkIds: ids(30), attempt: 1 });
    expect(calls.run).toHaveLength(30);
    expect(calls.peakInFlight).toBe(7);
  });

  it('a crashing check does not stop the others; it is retried, and on its third crash recorded ERROR, not FAIL', async () => {
    const crash = async (spec: CheckSpec) => {
      if (spec.id === 'c1') throw new Error('egress set-up failed');
    };
    const { deps, calls } = fakes(ids(3), { runCheck: crash });
    const first = runCheckBatch(deps, { assessmentId: ASSESSMENT, checkIds: ids(3), attempt: 1 });
    await expect(first).rejects.toBeInstanceOf(CheckBatchFailure);
    expect(calls.recorded.map((r) => r.checkId).sort()).toEqual(['c0', 'c2']);
    expect(calls.finished).toBe(0);

    const second = runCheckBatch(deps, { assessmentId: ASSESSMENT, checkIds: ids(3), attempt: 2, crashes: { c1: 1 } });
    await expect(second).rejects.toThrow('egress set-up failed');
    const third = await runCheckBatch(deps, { assessmentId: ASSESSMENT, checkIds: ids(3), attempt: 3, crashes: { c1: 2 } });
    expect(third).toMatchObject({ recorded: ['c1'], finished: true });
    expect(calls.recorded.find((r) => r.checkId === 'c1')).toEqual({
      checkId: 'c1',
      status: 'ERROR',
      attempts: 3,
      message: 'the check could not be run: egress set-up failed',
    });
    // Only the crashing check ran again.
    expect(calls.run.filter((id) => id !== 'c1').sort()).toEqual(['c0', 'c2']);
  });

  it("a check's first crash is retried however late the batch's attempt (outage retries of other checks do not count)", async () => {
    const crash = async (spec: CheckSpec) => {
      if (spec.id === 'c1') throw new Error('egress set-up failed');
    };
    const { deps, calls } = fakes(ids(2), { runCheck: crash });
    const late = runCheckBatch(deps, { assessmentId: ASSESSMENT, checkIds: ids(2), attempt: 9, crashes: { c0: 2 } });
    await expect(late).rejects.toBeInstanceOf(CheckBatchFailure);
    expect(calls.recorded.map((r) => [r.checkId, r.status])).toEqual([['c0', 'PASS']]);
  });

  it('our database failing while recording is rethrown on any attempt (retried for the window), never recorded ERROR', async () => {
    const down = (checkId: string) =>
      checkId === 'c0' ? Object.assign(new Error('Connection terminated unexpectedly'), { name: 'DriverAdapterError' }) : undefined;
    const { deps, calls } = fakes(ids(2), { recordFails: down });
    const attempt = runCheckBatch(deps, { assessmentId: ASSESSMENT, checkIds: ids(2), attempt: 5, crashes: { c0: 5 } });
    await expect(attempt).rejects.toBeInstanceOf(CheckBatchFailure);
    expect(calls.recorded.map((r) => r.checkId)).toEqual(['c1']);
    expect(calls.finished).toBe(0);
  });
});
