import { describe, expect, it } from 'vitest';
import type { CheckSpec } from '../../../src/config/readiness-config.schema.ts';
import { executeCheck, type ExecuteCheckDeps } from '../../../src/assessments/execute-check.ts';
import type { StoredCheckSpec } from '../../../src/assessments/assessment.ports.ts';
import type { CheckTarget } from '../../../src/checks/check.types.ts';

const ASSESSMENT = '6f1c1c1e-1b1a-4c4e-8a57-3f0c2f1d9a10';
const httpSpec = {
  id: 'health',
  name: 'Health',
  type: 'http',
  category: 'infrastructure',
  severity: 'high',
  url: 'http://127.0.0.1:1/healthz',
  timeoutMs: 1000,
};
const stored = (spec: unknown): StoredCheckSpec => ({ spec, status: 'PENDING', service: 'checkout', environment: 'production' });

/** In-memory stand-ins for the ports, recording what the domain asked of them. */
function fakes(stored: Record<string, StoredCheckSpec>) {
  const rows = new Map(Object.entries(stored));
  const calls = {
    run: [] as string[],
    targets: [] as CheckTarget[],
    recorded: [] as { checkId: string; status: string; attempts: number }[],
    renders: 0,
  };
  const deps: ExecuteCheckDeps = {
    loadCheck: async (_assessmentId, checkId) => rows.get(checkId),
    recordOutcome: async (_assessmentId, checkId, outcome) => {
      const row = rows.get(checkId);
      if (row?.status !== 'PENDING') return false;
      rows.set(checkId, { ...row, status: outcome.status });
      calls.recorded.push({ checkId, status: outcome.status, attempts: outcome.attempts });
      return true;
    },
    scheduler: {
      requestRender: async () => {
        calls.renders += 1;
      },
    },
    runCheck: async (spec: CheckSpec, target: CheckTarget) => {
      calls.run.push(spec.id);
      calls.targets.push(target);
      return { status: 'PASS', message: 'answered 200', evidence: {}, durationMs: 12 };
    },
    now: () => new Date('2026-11-22T10:00:00Z'),
  };
  return { deps, calls };
}

describe('executeCheck', () => {
  it("runs a pending check for its assessment's service and environment, records its outcome with the attempt number and asks for a render", async () => {
    const { deps, calls } = fakes({ health: stored(httpSpec) });
    expect(await executeCheck(deps, { assessmentId: ASSESSMENT, checkId: 'health', attempt: 2 })).toBe('recorded');
    expect(calls).toEqual({
      run: ['health'],
      targets: [{ service: 'checkout', environment: 'production', assessmentId: ASSESSMENT }],
      recorded: [{ checkId: 'health', status: 'PASS', attempts: 2 }],
      renders: 1,
    });
  });

  it('a redelivered job of a check that has its result neither runs it again nor records twice', async () => {
    const { deps, calls } = fakes({ health: stored(httpSpec) });
    await executeCheck(deps, { assessmentId: ASSESSMENT, checkId: 'health', attempt: 1 });
    expect(await executeCheck(deps, { assessmentId: ASSESSMENT, checkId: 'health', attempt: 2 })).toBe('already_recorded');
    expect(calls.run).toEqual(['health']);
    expect(calls.recorded).toHaveLength(1);
    expect(calls.renders).toBe(1);
  });

  it('a delivery that loses the race to record reports already_recorded and asks for no render', async () => {
    const { deps, calls } = fakes({ health: stored(httpSpec) });
    const racing = await Promise.all([1, 2].map((attempt) => executeCheck(deps, { assessmentId: ASSESSMENT, checkId: 'health', attempt })));
    expect(racing.sort()).toEqual(['already_recorded', 'recorded']);
    expect(calls.recorded).toHaveLength(1);
    expect(calls.renders).toBe(1);
  });

  it('a check the assessment does not have is reported, not run', async () => {
    const { deps, calls } = fakes({});
    expect(await executeCheck(deps, { assessmentId: ASSESSMENT, checkId: 'gone', attempt: 1 })).toBe('unknown_check');
    expect(calls.run).toEqual([]);
  });

  it('a stored definition that no longer parses is recorded as ERROR without running anything', async () => {
    const { deps, calls } = fakes({ health: stored({ ...httpSpec, type: 'carrier-pigeon' }) });
    expect(await executeCheck(deps, { assessmentId: ASSESSMENT, checkId: 'health', attempt: 1 })).toBe('recorded');
    expect(calls.run).toEqual([]);
    expect(calls.recorded).toEqual([{ checkId: 'health', status: 'ERROR', attempts: 1 }]);
  });
});
