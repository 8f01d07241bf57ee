import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lookupTarget } from '../../src/config/catalog.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { createRedis } from '../../src/queue/connection.ts';
import { QueueName } from '../../src/queue/names.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { publishAssessmentMessage } from '../../src/slack/assessment-message.publisher.ts';
import { chatPort } from '../../src/slack/chat-port.ts';
import { renderAssessmentMessage } from '../../src/slack/views/assessment-message.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

const CHECKS = 24;

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.closeAll();
  stack = undefined;
});

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
          })),
        },
      },
    },
    'test config',
  );

/** An assessment of `wide` with its first message posted, as the bot leaves it after the ack (no flow: the test drives it). */
async function postedAssessment(current: TestStack) {
  const target = lookupTarget(current.runtime.settings.config, 'wide', 'staging');
  if (!target.ok) throw new Error('wide/staging is missing');
  const { assessment } = await current.runtime.assessments.create(
    { requestKey: `trigger-${randomUUID()}`, service: 'wide', environment: 'staging', requestedBy: USER, teamId: null, channelId: current.channelId },
    { checks: target.checks, skipped: [], attestations: new Map(), thresholds: { go: 95, caution: 80 } },
  );
  const published = await publishAssessmentMessage(
    {
      assessments: current.runtime.assessments,
      scheduler: current.runtime.queues.scheduler,
      chat: chatPort(current.runtime.slack),
      now: () => new Date(),
    },
    assessment,
  );
  if (published.outcome !== 'posted') throw new Error(`the message was not posted: ${published.outcome}`);
  return { id: assessment.id, ts: published.messageTs, checkIds: target.checks.map((check) => check.id) };
}

const updatesOf = (current: TestStack, ts: string) =>
  current.standIn.callsTo('chat.update').filter((call) => call.args.ts === ts && call.status === 200);

describe('coalesced message updates (render queue)', () => {
  it('a burst of changes ends with the message showing exactly what the database says, one update a second at most', async () => {
    stack = await startTestStack({ configFor: manyChecks });
    const current = stack;
    const { id, ts, checkIds } = await postedAssessment(current);
    const startedAt = Date.now();
    await current.runtime.assessments.markRunning(id, new Date());
    // Checks finish a few at a time over about two seconds, each asking for a render, as check jobs do; then the verdict.
    for (const [i, checkId] of checkIds.entries()) {
      await current.runtime.assessments.recordCheckOutcome(
        id,
        checkId,
        { status: i % 5 === 0 ? 'FAIL' : 'PASS', message: `result ${i}`, evidence: {}, durationMs: 1, attempts: 1 },
        new Date(),
      );
      await current.runtime.queues.scheduler.requestRender(id);
      if (i % 3 === 2) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await current.runtime.assessments.complete(id, new Date());
    await current.runtime.queues.scheduler.requestRender(id);
    const finishedAt = Date.now();

    const view = await current.runtime.assessments.find(id);
    if (!view) throw new Error('assessment vanished');
    const expected = renderAssessmentMessage(view);
    // The last update lands, whatever was in flight when the verdict was written.
    const shown = await until(async () => {
      const message = current.standIn.message(current.channelId, ts);
      return message?.text === expected.text && JSON.stringify(message.blocks) === JSON.stringify(expected.blocks) ? message : undefined;
    }, 60_000);
    expect(shown.text).toBe(expected.text);

    const updates = updatesOf(current, ts);
    const seconds = (Math.max(finishedAt, updates.at(-1)?.at ?? finishedAt) - startedAt) / 1000;
    // Changes over T seconds: at most about one update per second of them, plus the one after the last change.
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    // Far fewer than one per change (25 changes here).
    expect(updates.length).toBeLessThan(checkIds.length);
    for (const [i, update] of updates.entries()) {
      const before = updates[i - 1];
      // Each render waits RENDER_WINDOW_MS after the previous one finished: never two updates within a second.
      if (before) expect(update.at - before.at).toBeGreaterThanOrEqual(950);
    }
  });

  it('a render asked for while one runs leaves exactly one follow-up, and asks while one waits add nothing', async () => {
    stack = await startTestStack({ withWorkers: false, configFor: manyChecks });
    const current = stack;
    const { render } = current.runtime.queues.queues;
    const id = randomUUID();
    const connection = createRedis(current.runtime.settings.redisUrl, 'worker', silentLogger);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: string[] = [];
    const worker = new Worker(
      QueueName.slackRender,
      async (job) => {
        seen.push(String(job.id));
        if (seen.length === 1) await held;
      },
      { connection, prefix: current.runtime.settings.queuePrefix, autorun: true },
    );
    try {
      // Ten asks together: one job.
      await Promise.all(Array.from({ length: 10 }, () => current.runtime.queues.scheduler.requestRender(id)));
      const ofThis = async () => (await render.getJobs(['delayed', 'waiting', 'active', 'completed'])).filter((job) => job.data.assessmentId === id);
      expect(await ofThis()).toHaveLength(1);
      // While it runs (held), more asks: they leave one follow-up, created once the running one finishes.
      await until(async () => (seen.length === 1 ? true : undefined), 30_000);
      for (let i = 0; i < 5; i++) await current.runtime.queues.scheduler.requestRender(id);
      expect(await ofThis()).toHaveLength(1);
      release();
      await until(async () => (seen.length === 2 ? true : undefined), 30_000);
      const jobs = await ofThis();
      expect(jobs).toHaveLength(2);
      expect(new Set(jobs.map((job) => job.id)).size).toBe(2);
    } finally {
      release();
      await worker.close();
      connection.disconnect();
    }
  });

  it('a render asked for by a process whose clock is behind is not lost to a completed render of the same ms', async () => {
    stack = await startTestStack({ withWorkers: false, configFor: manyChecks });
    const current = stack;
    const { render } = current.runtime.queues.queues;
    const id = randomUUID();
    const connection = createRedis(current.runtime.settings.redisUrl, 'worker', silentLogger);
    const worker = new Worker(QueueName.slackRender, async () => undefined, {
      connection,
      prefix: current.runtime.settings.queuePrefix,
      autorun: true,
    });
    // Two processes whose clocks are a second or more apart ask at what each thinks is the same ms.
    const askAt = async (at: number) => {
      const clock = vi.spyOn(Date, 'now').mockReturnValue(at);
      try {
        await current.runtime.queues.scheduler.requestRender(id);
      } finally {
        clock.mockRestore();
      }
    };
    const completedOfThis = async () => (await render.getJobs(['completed'])).filter((job) => job.data.assessmentId === id).length;
    try {
      const at = Date.now();
      await askAt(at);
      await until(async () => ((await completedOfThis()) === 1 ? true : undefined), 30_000);
      await askAt(at);
      // The second request is a job of its own, so it runs too (its id is not the completed one's).
      await until(async () => ((await completedOfThis()) === 2 ? true : undefined), 30_000);
    } finally {
      await worker.close();
      connection.disconnect();
    }
  });
});
