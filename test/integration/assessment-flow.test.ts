import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkers, type RunningWorkers } from '../../jobs/workers.ts';
import { runCheck } from '../../src/probes/run-check.ts';
import { lookupTarget } from '../../src/config/catalog.ts';
import { CheckSpec } from '../../src/config/readiness-config.schema.ts';
import { createRedis } from '../../src/queue/connection.ts';
import { chatPort } from '../../src/slack/chat-port.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { scoreAssessment } from '../../src/readiness/score.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

let stack: TestStack | undefined;
let extraWorkers: RunningWorkers | undefined;
afterEach(async () => {
  await extraWorkers?.close();
  await stack?.closeAll();
  stack = undefined;
  extraWorkers = undefined;
});

const request = (current: TestStack) => ({
  requestKey: `trigger-${randomUUID()}`,
  service: 'example-api',
  environment: 'staging',
  requestedBy: USER,
  teamId: null,
  channelId: current.channelId,
});

const checks = (current: TestStack): CheckSpec[] => {
  const target = lookupTarget(current.runtime.settings.config, 'example-api', 'staging');
  if (!target.ok) throw new Error('example-api/staging is missing from the test config');
  return target.checks;
};

const plan = (specs: CheckSpec[]) => ({ checks: specs, skipped: [], attestations: new Map(), thresholds: { go: 95, caution: 80 } });

/** Workers over the stack's queues with our own check runner: how a test makes one check's job crash or hang. */
async function workersWith(current: TestStack, run: (spec: CheckSpec) => ReturnType<typeof runCheck>): Promise<RunningWorkers> {
  const { runtime } = current;
  const connection = createRedis(runtime.settings.redisUrl, 'worker', silentLogger);
  const running = await startWorkers({
    connection,
    prefix: runtime.settings.queuePrefix,
    concurrency: 5,
    queues: runtime.queues.queues,
    scheduler: runtime.queues.scheduler,
    assessments: runtime.assessments,
    chat: chatPort(runtime.slackForWorkers),
    runCheck: run,
    logger: silentLogger,
  });
  return {
    workers: running.workers,
    close: async () => {
      const stopped = await running.close();
      connection.disconnect();
      return stopped;
    },
  };
}

describe('guarded transitions', () => {
  it('a repeated request key finds the first assessment instead of starting a second', async () => {
    stack = await startTestStack({ withWorkers: false });
    const input = request(stack);
    const first = await stack.runtime.assessments.create(input, plan(checks(stack)));
    const again = await Promise.all([1, 2, 3].map(() => stack!.runtime.assessments.create(input, plan(checks(stack!)))));
    expect(first.created).toBe(true);
    expect(again.every((result) => !result.created && result.assessment.id === first.assessment.id)).toBe(true);
    expect(await stack.runtime.db.assessment.count({ where: { requestKey: input.requestKey } })).toBe(1);
    expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: first.assessment.id } })).toBe(1);
  });

  it('create returns the assessment exactly as it reads back: rows, initial states, manual details, order', async () => {
    stack = await startTestStack({ withWorkers: false });
    const spec = (fields: Record<string, unknown>) => CheckSpec.parse({ name: `check ${String(fields.id)}`, ...fields });
    const now = new Date();
    const attestation = {
      checkId: 'runbook',
      role: 'sre',
      attestedBy: USER,
      attestedAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
      assessmentId: randomUUID(),
    };
    const created = await stack.runtime.assessments.create(request(stack), {
      checks: [
        spec({ id: 'web_b', type: 'http', url: 'http://127.0.0.1:1/', weight: 3 }),
        spec({ id: 'web-a', type: 'http', url: 'http://127.0.0.1:1/' }),
        spec({ id: 'runbook', type: 'manual', role: 'sre', instructions: 'read it' }),
        spec({ id: 'load-test', type: 'manual', role: 'qa', validFor: '2h' }),
        spec({ id: '0-first', type: 'tcp', host: '127.0.0.1', port: 1 }),
      ],
      skipped: [{ check: spec({ id: 'web.c', type: 'http', url: 'http://127.0.0.1:1/' }), reason: 'not in staging' }],
      attestations: new Map([['runbook', attestation]]),
      thresholds: { go: 90, caution: 70 },
    });
    expect(created.created).toBe(true);
    expect(created.assessment.checks).toHaveLength(6);
    expect(created.assessment).toEqual(await stack.runtime.assessments.find(created.assessment.id));
    const byId = new Map(created.assessment.checks.map((check) => [check.checkId, check]));
    expect(byId.get('runbook')).toMatchObject({ status: 'PASS', manual: { role: 'sre', instructions: 'read it' } });
    expect(byId.get('load-test')).toMatchObject({ status: 'PENDING', evidence: null, manual: { role: 'qa', validForMs: 7_200_000 } });
    expect(byId.get('web.c')).toMatchObject({ status: 'SKIPPED', message: 'not in staging', evidence: null, manual: undefined });
    expect(byId.get('web_b')).toMatchObject({ status: 'PENDING', message: null, weight: 3 });
  });

  it('complete scores exactly what the checks read back say: weights, severities, skipped, pending manual checks', async () => {
    stack = await startTestStack({ withWorkers: false });
    const spec = (fields: Record<string, unknown>) => CheckSpec.parse({ name: `check ${String(fields.id)}`, ...fields });
    const { assessment } = await stack.runtime.assessments.create(request(stack), {
      checks: [
        spec({ id: 'heavy', type: 'http', url: 'http://127.0.0.1:1/', severity: 'low', weight: 7.5, category: 'security' }),
        spec({ id: 'light', type: 'http', url: 'http://127.0.0.1:1/', severity: 'high' }),
        spec({ id: 'warned', type: 'tcp', host: '127.0.0.1', port: 1, severity: 'medium', weight: 2 }),
        spec({ id: 'runbook', type: 'manual', role: 'sre', severity: 'critical' }),
      ],
      skipped: [{ check: spec({ id: 'skipped', type: 'http', url: 'http://127.0.0.1:1/', weight: 100 }), reason: 'not here' }],
      attestations: new Map(),
      thresholds: { go: 90, caution: 30 },
    });
    const outcome = (status: 'PASS' | 'FAIL' | 'WARN', message: string) => ({ status, message, evidence: { a: 1 }, durationMs: 3, attempts: 1 });
    const at = new Date();
    await stack.runtime.assessments.recordCheckOutcomes(assessment.id, [
      { checkId: 'heavy', outcome: outcome('PASS', 'fine'), at },
      { checkId: 'light', outcome: outcome('FAIL', 'answered 500'), at },
      { checkId: 'warned', outcome: outcome('WARN', 'slow'), at },
    ]);
    const expected = scoreAssessment((await stack.runtime.assessments.find(assessment.id))!.checks, { go: 90, caution: 30 });
    const result = await stack.runtime.assessments.complete(assessment.id, new Date());
    expect(result).toEqual(expected);
    // The pending critical manual check (8) blocks; the weights count: 7.5 passed, half of 2 warned, out of
    // 7.5 + 4 (high) + 2 + 8; the skipped one does not.
    expect(result).toMatchObject({ verdict: 'NO_GO', score: (100 * (7.5 + 1)) / 21.5 });
  });

  it('a check outcome and a completion apply once, however many times they are attempted at once', async () => {
    stack = await startTestStack({ withWorkers: false });
    const { assessment } = await stack.runtime.assessments.create(request(stack), plan(checks(stack)));
    const outcome = { status: 'PASS' as const, message: 'ok', evidence: {}, durationMs: 5, attempts: 1 };
    const recorded = await Promise.all(
      [1, 2, 3, 4].map(() => stack!.runtime.assessments.recordCheckOutcome(assessment.id, 'health', outcome, new Date())),
    );
    expect(recorded.filter(Boolean)).toHaveLength(1);

    const completed = await Promise.all([1, 2, 3, 4].map(() => stack!.runtime.assessments.complete(assessment.id, new Date())));
    expect(completed.filter(Boolean)).toHaveLength(1);
    expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: assessment.id, action: 'assessment.completed' } })).toBe(1);
    expect(await stack.runtime.assessments.fail(assessment.id, 'late failure', new Date())).toBe(false);
  });
});

describe('the assessment flow in BullMQ', () => {
  it('enqueueing the same assessment twice runs it once', async () => {
    stack = await startTestStack({ withWorkers: false });
    const { assessment } = await stack.runtime.assessments.create(request(stack), plan(checks(stack)));
    const ids = checks(stack).map((check) => check.id);
    await stack.runtime.queues.scheduler.enqueueAssessment(assessment.id, ids);
    await stack.runtime.queues.scheduler.enqueueAssessment(assessment.id, ids);
    const counts = await stack.runtime.queues.queues.checks.getJobCounts('waiting', 'active', 'delayed');
    // Its checks are one batch job (fewer than CHECK_BATCH_SIZE).
    expect(ids.length).toBeGreaterThan(1);
    expect(counts.waiting).toBe(1);
    const parents = await stack.runtime.queues.queues.assessments.getJobCounts('waiting-children');
    expect(parents['waiting-children']).toBe(1);
  });

  it('a check whose job keeps crashing is recorded as ERROR and the verdict is still given', async () => {
    stack = await startTestStack({ withWorkers: false });
    extraWorkers = await workersWith(stack, async (spec) => {
      if (spec.id === 'docs') throw new Error('worker lost its network');
      return runCheck(spec);
    });
    const { assessment } = await stack.runtime.assessments.create(request(stack), plan(checks(stack)));
    await stack.runtime.queues.scheduler.enqueueAssessment(
      assessment.id,
      checks(stack).map((check) => check.id),
    );
    const finished = await until(async () => {
      const view = await stack!.runtime.assessments.find(assessment.id);
      return view?.status === 'COMPLETED' ? view : undefined;
    });
    const docs = finished.checks.find((check) => check.checkId === 'docs');
    expect(docs?.status).toBe('ERROR');
    expect(docs?.message).toMatch(/could not be run: worker lost its network/);
    expect(finished.checks.find((check) => check.checkId === 'health')?.status).toBe('PASS');
    expect(finished.verdict).toBe('GO_WITH_CAUTION');
  });

  it('graceful shutdown lets a running check finish and record its result', async () => {
    stack = await startTestStack({ withWorkers: false });
    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    extraWorkers = await workersWith(stack, async (spec) => {
      markStarted();
      await released;
      return runCheck(spec);
    });
    const { assessment } = await stack.runtime.assessments.create(request(stack), plan([checks(stack)[0] as CheckSpec]));
    await stack.runtime.queues.scheduler.enqueueAssessment(assessment.id, ['health']);
    await started;
    const closing = extraWorkers.close();
    extraWorkers = undefined;
    setTimeout(() => release(), 300);
    await closing;
    const health = (await stack.runtime.assessments.find(assessment.id))?.checks[0];
    expect(health?.status).toBe('PASS');
  });
});
