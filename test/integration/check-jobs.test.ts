import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { checkProcessor } from '../../jobs/check.ts';
import { startWorkers, type RunningWorkers } from '../../jobs/workers.ts';
import { runCheck } from '../../src/probes/run-check.ts';
import { lookupTarget } from '../../src/config/catalog.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import type { CheckSpec } from '../../src/config/readiness-config.schema.ts';
import { createRedis } from '../../src/queue/connection.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { chatPort } from '../../src/slack/chat-port.ts';
import type { AssessmentRepository } from '../../src/assessments/assessment.ports.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

/** Three batch jobs (50 + 50 + 20), so two worker processes share one assessment. */
const CHECKS = 120;

let stack: TestStack | undefined;
const running: RunningWorkers[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((workers) => workers.close()));
  await stack?.closeAll();
  stack = undefined;
});

/** One service with CHECKS http checks against the example service, so a flow has enough jobs to overlap. */
const manyChecks = (targetUrl: string) =>
  parseReadinessConfig(
    {
      services: {
        wide: {
          environments: { staging: { vars: { baseUrl: targetUrl } } },
          checks: Array.from({ length: CHECKS }, (_, i) => ({
            id: `check-${String(i).padStart(2, '0')}`,
            name: `Check ${i}`,
            type: 'http',
            severity: 'low',
            url: '{{baseUrl}}/healthz',
            // These tests are about jobs, not the network: at a load average of 15 a local answer can take over 2 s,
            // and a check that times out is FAIL, which is not what these assertions are about.
            timeoutMs: 30_000,
          })),
        },
      },
    },
    'test config',
  );

function specsOf(current: TestStack): CheckSpec[] {
  const target = lookupTarget(current.runtime.settings.config, 'wide', 'staging');
  if (!target.ok) throw new Error('wide/staging is missing from the test config');
  return target.checks;
}

async function createAssessment(current: TestStack) {
  const { assessment } = await current.runtime.assessments.create(
    { requestKey: `trigger-${randomUUID()}`, service: 'wide', environment: 'staging', requestedBy: USER, teamId: null, channelId: current.channelId },
    { checks: specsOf(current), skipped: [], attestations: new Map(), thresholds: { go: 95, caution: 80 } },
  );
  return assessment;
}

/** The repository with its state-changing calls counted: how a test sees what was applied, and how often. */
function countingRepository(assessments: AssessmentRepository) {
  const applied = { markedRunning: 0, recorded: [] as string[], runs: [] as string[] };
  const repository: AssessmentRepository = {
    ...assessments,
    async markRunning(id, at) {
      const changed = await assessments.markRunning(id, at);
      if (changed) applied.markedRunning += 1;
      return changed;
    },
    async recordCheckOutcomes(id, outcomes) {
      const recorded = await assessments.recordCheckOutcomes(id, outcomes);
      applied.recorded.push(...recorded);
      return recorded;
    },
  };
  return { repository, applied };
}

/** A worker process's worth of workers over the stack's queues (each with its own batching). */
async function startWorkerSet(current: TestStack, assessments: AssessmentRepository, runs: string[]): Promise<void> {
  const { runtime } = current;
  const connection = createRedis(runtime.settings.redisUrl, 'worker', silentLogger);
  const workers = await startWorkers({
    connection,
    prefix: runtime.settings.queuePrefix,
    concurrency: CHECKS,
    queues: runtime.queues.queues,
    scheduler: runtime.queues.scheduler,
    assessments,
    chat: chatPort(runtime.slackForWorkers),
    runCheck: (spec) => {
      runs.push(spec.id);
      return runCheck(spec);
    },
    logger: silentLogger,
  });
  running.push({
    workers: workers.workers,
    close: async () => {
      const stopped = await workers.close();
      connection.disconnect();
      return stopped;
    },
  });
}

const jobFor = (assessmentId: string, checkIds: string[], attemptsMade: number) =>
  ({ data: { assessmentId, checkIds }, attemptsMade }) as unknown as Job;
/** Sorted as strings, as the tests sort what they collect (check-100 comes before check-11). */
const idsOf = (n: number) => Array.from({ length: n }, (_, i) => `check-${String(i).padStart(2, '0')}`).sort();

/** A promise and the function that settles it. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('check jobs', () => {
  it('two worker processes share one assessment: QUEUED → RUNNING → COMPLETED once, every check run and recorded once', async () => {
    stack = await startTestStack({ withWorkers: false, configFor: manyChecks });
    const { repository, applied } = countingRepository(stack.runtime.assessments);
    await startWorkerSet(stack, repository, applied.runs);
    await startWorkerSet(stack, repository, applied.runs);

    const assessment = await createAssessment(stack);
    expect(assessment.status).toBe('QUEUED');
    await stack.runtime.queues.scheduler.enqueueAssessment(
      assessment.id,
      specsOf(stack).map((check) => check.id),
    );
    const row = await until(async () => {
      const found = await stack!.runtime.db.assessment.findUnique({ where: { id: assessment.id }, include: { checks: true } });
      return found?.status === 'COMPLETED' ? found : undefined;
    });

    const checkIds = specsOf(stack)
      .map((check) => check.id)
      .sort();
    expect(applied.markedRunning).toBe(1);
    expect([...applied.recorded].sort()).toEqual(checkIds);
    expect([...applied.runs].sort()).toEqual(checkIds);
    expect(
      row.checks
        .filter((check) => check.status !== 'PASS' || check.attempts !== 1)
        .map((check) => [check.checkId, check.status, check.attempts, check.message]),
    ).toEqual([]);
    // Started before any check finished, completed after the last one.
    const finished = row.checks.map((check) => check.finishedAt?.getTime() ?? Number.NaN);
    expect(row.startedAt!.getTime()).toBeLessThanOrEqual(Math.min(...finished));
    expect(row.completedAt!.getTime()).toBeGreaterThanOrEqual(Math.max(...finished));
    expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: assessment.id, action: 'assessment.completed' } })).toBe(1);
  });

  it('a redelivered batch job neither runs a recorded check again nor records a second outcome', async () => {
    stack = await startTestStack({ withWorkers: false, configFor: manyChecks });
    const { repository, applied } = countingRepository(stack.runtime.assessments);
    const assessment = await createAssessment(stack);
    const deps = {
      assessments: repository,
      scheduler: stack.runtime.queues.scheduler,
      runCheck: (spec: CheckSpec) => {
        applied.runs.push(spec.id);
        return runCheck(spec);
      },
      now: () => new Date(),
      checksInFlight: 50,
    };
    const batch = idsOf(5);
    // Two processes' processors (each with its own recorder) handed the same batch at once, then a third delivery.
    const [first, second] = [checkProcessor(deps), checkProcessor(deps)];
    const racing = await Promise.all([first(jobFor(assessment.id, batch, 0)), second(jobFor(assessment.id, batch, 0))]);
    const runsBefore = applied.runs.length;
    const redelivered = await first(jobFor(assessment.id, batch, 1));

    expect(racing.flatMap((result) => result.recorded).sort()).toEqual(batch);
    expect(redelivered).toMatchObject({ recorded: [], finished: false });
    expect([...redelivered.alreadyRecorded].sort()).toEqual(batch);
    expect(applied.runs.length).toBe(runsBefore);
    expect([...applied.recorded].sort()).toEqual(batch);
    const rows = await stack.runtime.db.checkResult.findMany({ where: { assessmentId: assessment.id, checkId: { in: batch } } });
    expect(rows.map((row) => [row.status, row.attempts])).toEqual(batch.map(() => ['PASS', 1]));
    expect((await stack.runtime.assessments.find(assessment.id))?.status).toBe('RUNNING');
  });

  it('a batch job that dies half-way: its redelivery runs only the checks without a result, and the verdict is given once', async () => {
    stack = await startTestStack({ withWorkers: false, configFor: manyChecks });
    const assessment = await createAssessment(stack);
    const batch = idsOf(CHECKS);
    const { repository, applied } = countingRepository(stack.runtime.assessments);
    const isOdd = (id: string) => Number(id.slice('check-'.length)) % 2 === 1;
    // The first delivery's process "dies" with the odd checks still running: they never answer until the end.
    const dead = gate();
    const firstRuns: string[] = [];
    const first = checkProcessor({
      assessments: repository,
      scheduler: stack.runtime.queues.scheduler,
      runCheck: async (spec: CheckSpec) => {
        firstRuns.push(spec.id);
        if (isOdd(spec.id)) await dead.opened;
        return runCheck(spec);
      },
      now: () => new Date(),
      checksInFlight: CHECKS,
    });
    const abandoned = first(jobFor(assessment.id, batch, 0));
    const even = batch.filter((id) => !isOdd(id));
    await until(async () => {
      const done = await stack!.runtime.db.checkResult.count({ where: { assessmentId: assessment.id, status: { not: 'PENDING' } } });
      return done === even.length ? true : undefined;
    });

    // Another process gets the same job back from BullMQ's stall check: attempt 2.
    const secondRuns: string[] = [];
    const second = checkProcessor({
      assessments: repository,
      scheduler: stack.runtime.queues.scheduler,
      runCheck: (spec: CheckSpec) => {
        secondRuns.push(spec.id);
        return runCheck(spec);
      },
      now: () => new Date(),
      checksInFlight: CHECKS,
    });
    const redelivered = await second(jobFor(assessment.id, batch, 1));
    const odd = batch.filter(isOdd);
    expect([...secondRuns].sort()).toEqual(odd);
    expect([...redelivered.recorded].sort()).toEqual(odd);
    expect([...redelivered.alreadyRecorded].sort()).toEqual(even);
    expect(redelivered.finished).toBe(true);

    // The dead delivery's checks answer at last: nothing of theirs is recorded over the second delivery's results.
    dead.open();
    const late = await abandoned;
    expect(late.recorded.sort()).toEqual(even);
    expect(late.alreadyRecorded.sort()).toEqual(odd);
    expect([...applied.recorded].sort()).toEqual(batch);
    const row = await stack.runtime.db.assessment.findUniqueOrThrow({ where: { id: assessment.id }, include: { checks: true } });
    expect(row.status).toBe('COMPLETED');
    expect(row.checks.map((check) => [check.checkId, check.status, check.attempts]).sort()).toEqual(
      batch.map((id) => [id, 'PASS', isOdd(id) ? 2 : 1]),
    );
    expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: assessment.id, action: 'assessment.completed' } })).toBe(1);
  });
});

describe('the check queries', () => {
  it('recordCheckOutcomes writes every field of PENDING checks only, once per check, and says which it wrote', async () => {
    stack = await startTestStack({ withWorkers: false, configFor: manyChecks });
    const { assessments } = stack.runtime;
    const assessment = await createAssessment(stack);
    const at = new Date('2026-11-22T09:30:15.123Z');
    const pass = { status: 'PASS' as const, message: 'answered 200 in 12 ms', evidence: { status: 200, latencyMs: 12 }, durationMs: 12, attempts: 1 };
    const error = { status: 'ERROR' as const, message: 'no answer within 2000 ms', evidence: {}, durationMs: null, attempts: 3 };

    const written = await assessments.recordCheckOutcomes(assessment.id, [
      { checkId: 'check-00', outcome: pass, at },
      { checkId: 'check-01', outcome: error, at },
      { checkId: 'check-00', outcome: error, at },
      { checkId: 'no-such-check', outcome: pass, at },
    ]);
    expect([...written].sort()).toEqual(['check-00', 'check-01']);
    // Concurrent writers of overlapping checks: each check is written by exactly one of them.
    const concurrent = await Promise.all(
      [
        ['check-01', 'check-02'],
        ['check-02', 'check-03'],
        ['check-03', 'check-02'],
      ].map((ids) =>
        assessments.recordCheckOutcomes(
          assessment.id,
          ids.map((checkId) => ({ checkId, outcome: pass, at })),
        ),
      ),
    );
    expect(concurrent.flatMap((set) => [...set]).sort()).toEqual(['check-02', 'check-03']);

    const rows = await stack.runtime.db.checkResult.findMany({
      where: { assessmentId: assessment.id, checkId: { in: ['check-00', 'check-01'] } },
      orderBy: { checkId: 'asc' },
    });
    expect(
      rows.map(({ checkId, status, message, evidence, durationMs, attempts, finishedAt }) => ({
        checkId,
        status,
        message,
        evidence,
        durationMs,
        attempts,
        finishedAt,
      })),
    ).toEqual([
      { checkId: 'check-00', status: 'PASS', message: pass.message, evidence: pass.evidence, durationMs: 12, attempts: 1, finishedAt: at },
      { checkId: 'check-01', status: 'ERROR', message: error.message, evidence: {}, durationMs: null, attempts: 3, finishedAt: at },
    ]);
    expect(await stack.runtime.db.checkResult.count({ where: { assessmentId: assessment.id, status: 'PENDING' } })).toBe(CHECKS - 4);
  });

  it('recordCheckOutcomes of writers naming the same checks in opposite orders never deadlock', async () => {
    stack = await startTestStack({ withWorkers: false, configFor: manyChecks });
    const { assessments } = stack.runtime;
    const at = new Date('2026-11-22T09:30:15.123Z');
    const pass = { status: 'PASS' as const, message: 'ok', evidence: {}, durationMs: 1, attempts: 1 };
    const ids = Array.from({ length: CHECKS }, (_, i) => `check-${String(i).padStart(2, '0')}`);
    for (let round = 0; round < 10; round += 1) {
      const assessment = await createAssessment(stack);
      // Before the rows were locked in one order, Postgres answered one of these with 40P01 (deadlock detected).
      const written = await Promise.all(
        [ids, [...ids].reverse(), ids.filter((_, i) => i % 2 === 1).reverse()].map((order) =>
          assessments.recordCheckOutcomes(
            assessment.id,
            order.map((checkId) => ({ checkId, outcome: pass, at })),
          ),
        ),
      );
      expect(written.flatMap((set) => [...set]).sort()).toEqual([...ids].sort());
    }
  });

  it('findCheckSpecs returns the asked-for (or all) checks of that assessment only, with their stored definition, status, service and environment', async () => {
    stack = await startTestStack({ withWorkers: false, configFor: manyChecks });
    const [one, other] = [await createAssessment(stack), await createAssessment(stack)];
    await stack.runtime.assessments.recordCheckOutcome(
      other.id,
      'check-01',
      { status: 'FAIL', message: 'x', evidence: {}, durationMs: 1, attempts: 1 },
      new Date(),
    );
    const found = await stack.runtime.assessments.findCheckSpecs(one.id, ['check-01', 'check-02', 'missing']);
    expect([...found.keys()].sort()).toEqual(['check-01', 'check-02']);
    expect(found.get('check-01')).toEqual({
      status: 'PENDING',
      spec: specsOf(stack).find((check) => check.id === 'check-01'),
      service: 'wide',
      environment: 'staging',
    });
    const all = await stack.runtime.assessments.findCheckSpecs(one.id);
    expect([...all.keys()].sort()).toEqual(
      specsOf(stack)
        .map((check) => check.id)
        .sort(),
    );
    expect([...all.values()].every((check) => check.status === 'PENDING')).toBe(true);
  });

  it('a burst of render requests for one assessment adds one render job per window', async () => {
    stack = await startTestStack({ withWorkers: false, configFor: manyChecks });
    const assessment = await createAssessment(stack);
    await Promise.all(Array.from({ length: 50 }, () => stack!.runtime.queues.scheduler.requestRender(assessment.id)));
    const { render } = stack.runtime.queues.queues;
    const jobs = (await render.getJobs(['delayed', 'waiting', 'active', 'completed'])).filter((job) => job.data.assessmentId === assessment.id);
    // A burst that straddles a window boundary gets one job per window it touched.
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    expect(jobs.length).toBeLessThanOrEqual(2);
  });
});
