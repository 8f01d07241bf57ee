import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewAssessment } from '../../src/assessments/assessment.types.ts';
import { startAssessment, type StartDeps } from '../../src/assessments/start-assessment.ts';
import { lookupTarget } from '../../src/config/catalog.ts';
import { jobIds } from '../../src/queue/names.ts';
import { createAssessmentRepository } from '../../src/store/assessments/index.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

// A burst of /readiness run is recorded in grouped transactions and its flows added in one addBulk per group
// (src/store/assessments/create-many.ts, src/queue/queues.ts): what each command sees must not change.

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.closeAll();
  stack = undefined;
});

const request = (current: TestStack, requestKey = `trigger-${randomUUID()}`, service = 'example-api'): NewAssessment => ({
  requestKey,
  service,
  environment: 'staging',
  requestedBy: USER,
  teamId: null,
  channelId: current.channelId,
});

function planOf(current: TestStack) {
  const target = lookupTarget(current.runtime.settings.config, 'example-api', 'staging');
  if (!target.ok) throw new Error('example-api/staging is missing from the test config');
  return { checks: target.checks, skipped: target.skipped, attestations: new Map(), thresholds: target.thresholds };
}

const startDeps = (current: TestStack): StartDeps => ({
  config: current.runtime.settings.config,
  assessments: current.runtime.assessments,
  scheduler: current.runtime.queues.scheduler,
  now: () => new Date(),
});

/** The assessment's flow as BullMQ holds it: the parent waiting for its batch jobs, and the batch jobs' check ids. */
async function flowOf(current: TestStack, assessmentId: string) {
  const { assessments, checks } = current.runtime.queues.queues;
  const parent = await assessments.getJob(jobIds.assessment(assessmentId));
  const batch = await checks.getJob(jobIds.checkBatch(assessmentId, 0));
  return { parentState: await parent?.getState(), batchCheckIds: (batch?.data as { checkIds?: string[] } | undefined)?.checkIds };
}

describe('a burst of /readiness run, recorded together', () => {
  it('30 runs at once through the bot: each recorded once, with its check rows, its audit event and its flow', async () => {
    const current = await startTestStack({ withWorkers: false });
    stack = current;
    const acks = await Promise.all(Array.from({ length: 30 }, () => current.run('run example-api staging')));
    expect(acks.map((ack) => ack.status)).toEqual(Array(30).fill(200));
    const triggers = acks.map((ack) => ack.triggerId);
    const rows = await until(async () => {
      const found = await current.runtime.db.assessment.findMany({ where: { requestKey: { in: triggers } }, include: { checks: true } });
      return found.length === 30 && found.every((row) => row.messageTs !== null) ? found : undefined;
    });
    const expectedChecks = planOf(current)
      .checks.map((check) => check.id)
      .sort();
    for (const row of rows) {
      expect(row.checks.map((check) => check.checkId).sort()).toEqual(expectedChecks);
      expect(row.status).toBe('QUEUED');
      const flow = await flowOf(current, row.id);
      expect(flow.parentState).toBe('waiting-children');
      expect([...(flow.batchCheckIds ?? [])].sort()).toEqual(expectedChecks);
    }
    const audits = await current.runtime.db.auditEvent.count({
      where: { action: 'assessment.requested', subjectId: { in: rows.map((row) => row.id) } },
    });
    expect(audits).toBe(30);
    // One first message each, posted by the bot.
    const posts = current.standIn.callsTo('chat.postMessage').filter((call) => call.args.channel === current.channelId);
    expect(posts).toHaveLength(30);
  });

  it('a repeated requestKey inside a group and across groups finds the first assessment', async () => {
    const current = await startTestStack({ withWorkers: false });
    stack = current;
    const { assessments } = current.runtime;
    const plan = planOf(current);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => request(current, `trigger-${name}-${randomUUID()}`)) as [
      NewAssessment,
      NewAssessment,
      NewAssessment,
      NewAssessment,
    ];
    // Asked in one tick: the first two go at once (two transactions of one), the rest wait and go as one group,
    // c three times in it.
    const first = await Promise.all([a, b, c, d, c, c].map((input) => assessments.create(input, plan)));
    const byKey = (key: string) => first.filter((_, i) => [a, b, c, d, c, c][i]?.requestKey === key);
    expect(byKey(c.requestKey).map((result) => result.created)).toEqual([true, false, false]);
    expect(new Set(byKey(c.requestKey).map((result) => result.assessment.id)).size).toBe(1);
    for (const result of first) expect(result.assessment).toEqual(await assessments.find(result.assessment.id));

    // Another process (a worker's intake jobs) and this one again, both after the first groups committed and
    // racing each other: every key finds its first assessment, none is created twice.
    const intakeSide = createAssessmentRepository(current.runtime.db);
    const again = await Promise.all([
      ...[a, c, d].map((input) => assessments.create(input, plan)),
      ...[d, c, a, b].map((input) => intakeSide.create(input, plan)),
    ]);
    expect(again.every((result) => !result.created)).toBe(true);
    const firstId = new Map(first.map((result, i) => [[a, b, c, d, c, c][i]?.requestKey, result.assessment.id]));
    const againKeys = [a, c, d, d, c, a, b].map((input) => input.requestKey);
    expect(again.map((result) => result.assessment.id)).toEqual(againKeys.map((key) => firstId.get(key)));
    const keys = [a, b, c, d].map((input) => input.requestKey);
    expect(await current.runtime.db.assessment.count({ where: { requestKey: { in: keys } } })).toBe(4);
    const ids = [...new Set(firstId.values())];
    expect(await current.runtime.db.auditEvent.count({ where: { action: 'assessment.requested', subjectId: { in: ids } } })).toBe(4);
  });

  it('the same new requestKeys from two processes at once: each recorded once, exactly one of the two told it created it', async () => {
    const current = await startTestStack({ withWorkers: false });
    stack = current;
    const plan = planOf(current);
    const bot = current.runtime.assessments;
    const intakeSide = createAssessmentRepository(current.runtime.db);
    const inputs = Array.from({ length: 12 }, () => request(current));
    const [fromBot, fromIntake] = await Promise.all([
      Promise.all(inputs.map((input) => bot.create(input, plan))),
      Promise.all([...inputs].reverse().map((input) => intakeSide.create(input, plan))),
    ]);
    fromIntake.reverse();
    for (const [i, mine] of fromBot.entries()) {
      const theirs = fromIntake[i];
      expect(theirs?.assessment.id).toBe(mine.assessment.id);
      expect(Number(mine.created) + Number(theirs?.created)).toBe(1);
    }
    const keys = inputs.map((input) => input.requestKey);
    expect(await current.runtime.db.assessment.count({ where: { requestKey: { in: keys } } })).toBe(12);
  });

  it('a request the database refuses fails alone: the others of its group are recorded', async () => {
    const current = await startTestStack({ withWorkers: false });
    stack = current;
    const { assessments } = current.runtime;
    const plan = planOf(current);
    const inputs = Array.from({ length: 8 }, () => request(current));
    // Postgres refuses a NUL in text: this request fails the group's INSERT, and must then fail alone.
    const refused = { ...request(current), requestedBy: 'U0\u0000BAD' };
    const outcomes = await Promise.allSettled([...inputs.slice(0, 4), refused, ...inputs.slice(4)].map((input) => assessments.create(input, plan)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual([...Array(4).fill('fulfilled'), 'rejected', ...Array(4).fill('fulfilled')]);
    for (const outcome of outcomes) if (outcome.status === 'fulfilled') expect(outcome.value.created).toBe(true);
    const keys = inputs.map((input) => input.requestKey);
    expect(await current.runtime.db.assessment.count({ where: { requestKey: { in: [...keys, refused.requestKey] } } })).toBe(8);
  });

  it('runs started together, one of them for a target removed from the config: only that one is refused', async () => {
    const current = await startTestStack({ withWorkers: false });
    stack = current;
    const inputs = Array.from({ length: 10 }, (_, i) =>
      request(current, `trigger-${i}-${randomUUID()}`, i === 6 ? 'removed-service' : 'example-api'),
    );
    const started = await Promise.all(inputs.map((input) => startAssessment(startDeps(current), input)));
    expect(started[6]).toMatchObject({ ok: false, reason: 'unknown_target' });
    const others = started.filter((_, i) => i !== 6);
    expect(others.every((result) => result.ok && result.created)).toBe(true);
    for (const result of others) {
      if (!result.ok) continue;
      expect((await flowOf(current, result.assessment.id)).parentState).toBe('waiting-children');
    }
    expect(await current.runtime.db.assessment.count({ where: { requestKey: { in: inputs.map((input) => input.requestKey) } } })).toBe(9);
  });
});
