import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { replayExpiredRequests } from '../../jobs/inbox-replay.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { createInFlightRequests } from '../../src/slack/in-flight-requests.ts';
import type { InboxEntry } from '../../src/intake/request-inbox.ports.ts';
import { createDb } from '../../src/store/prisma.ts';
import { createSlackRequestRepository } from '../../src/store/slack-requests.repository.ts';

const db = createDb(inject('databaseUrl'), silentLogger);
const inbox = createSlackRequestRepository(db);
afterAll(() => db.$disconnect());

/** Each test its own scope: the table is shared with every other test file of the run. */
const newScope = () => `inbox${randomBytes(4).toString('hex')}`;
const entry = (text = 'incident sev1 Checkout down'): InboxEntry => ({
  key: `command:${randomBytes(6).toString('hex')}`,
  kind: 'command',
  userId: 'U0ALICE',
  body: { command: '/readiness', text, user_id: 'U0ALICE', channel_id: 'C0DEMO', trigger_id: 'x' },
  responseUrl: 'https://hooks.slack.com/commands/T/1/secret',
});
const row = (key: string) => db.slackRequest.findUniqueOrThrow({ where: { key } });
const expireLease = (key: string) => db.slackRequest.update({ where: { key }, data: { leaseUntil: new Date(Date.now() - 60_000) } });

describe('the Slack request inbox in Postgres', () => {
  it('records a request once; the same key again is in progress, then finished', async () => {
    const scope = newScope();
    const request = entry();
    expect(await inbox.record(request, scope, 20_000)).toEqual({ outcome: 'recorded' });
    expect(await inbox.record(request, scope, 20_000)).toEqual({ outcome: 'in_progress' });
    expect(await row(request.key)).toMatchObject({ status: 'PENDING', attempts: 1, responseUrl: request.responseUrl, body: request.body });
    expect(await inbox.finish(request.key, 'DONE')).toBe(true);
    expect(await inbox.finish(request.key, 'FAILED')).toBe(false);
    expect(await inbox.record(request, scope, 20_000)).toEqual({ outcome: 'finished' });
    // Done: neither the payload nor the capability to answer the user stays at rest.
    expect(await row(request.key)).toMatchObject({ status: 'DONE', body: null, responseUrl: null });
  });

  it('hands a request whose lease ran out to one claimant only, oldest first, and not one being renewed', async () => {
    const scope = newScope();
    const [first, second, renewed] = [entry('incident sev1 first'), entry('incident sev1 second'), entry('incident sev1 renewed')];
    for (const request of [first, second, renewed]) await inbox.record(request, scope, 20_000);
    await expireLease(first.key);
    await expireLease(second.key);
    await expireLease(renewed.key);
    await inbox.renew([renewed.key], 20_000);

    const [one, two] = await Promise.all([inbox.claimExpired(scope, 20_000, 10), inbox.claimExpired(scope, 20_000, 10)]);
    const claimed = [...(one ?? []), ...(two ?? [])];
    expect(claimed.map((request) => request.key).sort()).toEqual([first.key, second.key].sort());
    expect(claimed.every((request) => request.attempts === 2)).toBe(true);
    expect(await inbox.claimExpired(scope, 20_000, 10)).toEqual([]);
    // Another installation sharing the database never sees them.
    await expireLease(first.key);
    expect(await inbox.claimExpired(newScope(), 20_000, 10)).toEqual([]);
  });

  it('purges finished requests past the retention, never pending ones', async () => {
    const scope = newScope();
    const [done, pending] = [entry(), entry()];
    await inbox.record(done, scope, 20_000);
    await inbox.record(pending, scope, 20_000);
    await inbox.finish(done.key, 'DONE');
    expect(await inbox.purgeFinished(7 * 24 * 60 * 60 * 1000)).toBeGreaterThanOrEqual(0);
    expect(await db.slackRequest.count({ where: { key: done.key } })).toBe(1);
    await db.slackRequest.update({ where: { key: done.key }, data: { finishedAt: new Date(Date.now() - 8 * 24 * 60 * 60 * 1000) } });
    await inbox.purgeFinished(7 * 24 * 60 * 60 * 1000);
    expect(await db.slackRequest.count({ where: { key: done.key } })).toBe(0);
    expect(await db.slackRequest.count({ where: { key: pending.key } })).toBe(1);
  });

  it('replays an expired request through the handlers with its response URL, then finishes it; gives up after the last attempt', async () => {
    const scope = newScope();
    const [replayable, hopeless] = [entry('incident sev2 replay me'), entry('incident sev2 never finishes')];
    await inbox.record(replayable, scope, 20_000);
    await inbox.record(hopeless, scope, 20_000);
    await expireLease(replayable.key);
    await db.slackRequest.update({ where: { key: hopeless.key }, data: { leaseUntil: new Date(Date.now() - 60_000), attempts: 5 } });

    const replayed: Record<string, unknown>[] = [];
    const deps = {
      requests: inbox,
      replay: async (body: Record<string, unknown>) => void replayed.push(body),
      scope,
      logger: silentLogger,
      leaseMs: 20_000,
    };
    const report = await replayExpiredRequests(deps, createInFlightRequests({ store: inbox, leaseMs: 20_000, logger: silentLogger }));

    expect(report).toEqual({ replayed: 1, abandoned: 1 });
    expect(replayed).toEqual([{ ...replayable.body, response_url: replayable.responseUrl }]);
    expect(await row(replayable.key)).toMatchObject({ status: 'DONE', attempts: 2, body: null, responseUrl: null });
    expect(await row(hopeless.key)).toMatchObject({ status: 'ABANDONED', body: null, responseUrl: null });
  });
});
