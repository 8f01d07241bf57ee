import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { startBot, type RunningBot } from '../../src/main/compose.ts';
import { createRuntime, type Runtime } from '../../src/main/runtime.ts';
import { ids } from '../../src/slack/ids.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

// A click storm on one request across two replicas whose pools are deliberately tiny (two connections, shared with
// the workers on this stack): every click is answered, none refused, each approval recorded once, decided once.
// Before clicks were queued per request in memory, the waiting clicks held the pool and the inbox INSERT before the
// ack timed out: "Readiness is temporarily unavailable". On an idle machine a sign-off transaction takes a millisecond
// or two and no storm of this size outlasts it, so the test holds the request's row lock itself while the clicks
// arrive, as a loaded machine (load 15+) held it in the chaos run.
const ROLES = 15;
const POOL = 2;
const roleUser = (index: number) => `U0STORM${String.fromCharCode(65 + index)}`;
const WAIT_MS = 120_000;

const text = (message: StoredMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? '');

let stack: TestStack;
let replica: { runtime: Runtime; bot: RunningBot } | undefined;
beforeAll(async () => {
  stack = await startTestStack({
    databasePoolSize: POOL,
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: Object.fromEntries(Array.from({ length: ROLES }, (_, index) => [`role-${index}`, { users: [roleUser(index)] }])),
          services: {
            storm: {
              environments: {
                staging: {
                  vars: { baseUrl },
                  signoff: { required: Array.from({ length: ROLES }, (_, index) => ({ role: `role-${index}` })), autoRequest: true },
                },
              },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'click storm config',
      ),
    standIn: { users: Object.fromEntries([USER, ...Array.from({ length: ROLES }, (_, index) => roleUser(index))].map((id) => [id, { name: id }])) },
  });
  const runtime = createRuntime({ ...stack.runtime.settings });
  replica = { runtime, bot: await startBot(runtime, { signingSecret: stack.signingSecret, appToken: undefined, port: 0 }) };
}, 60_000);
afterAll(async () => {
  await replica?.bot.stop();
  await replica?.runtime.close();
  await stack?.closeAll();
});

describe('a click storm on one sign-off request, two replicas, a pool of two connections each', () => {
  it('answers every click, refuses none, records each approval once and decides once', async () => {
    const ack = await stack.run('run storm staging');
    const { assessment } = await stack.finished(ack.triggerId);
    const request = await until(async () => {
      const row = await stack.runtime.db.signoffRequest.findUnique({ where: { assessmentId: assessment.id } });
      return row?.messageTs ? row : undefined;
    }, WAIT_MS);
    const replicaUrl = replica?.bot.eventsUrl ?? '';

    // The row lock is taken, as a slow sign-off transaction would hold it, until every click has been answered.
    const holder = new pg.Client({ connectionString: inject('databaseUrl') });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM signoff_requests WHERE id = $1::uuid FOR UPDATE', [request.id]);

    // Every role approves at once, each click delivered to both replicas (a double click): 30 deliveries together.
    const click = (userIndex: number, url: string) =>
      stack.standIn.clickButton(url, {
        channel: stack.channelId,
        ts: request.messageTs ?? '',
        actionId: ids.actions.approve,
        userId: roleUser(userIndex),
        value: `${request.id}/role-${userIndex}`,
      });
    const answers = await Promise.all(
      Array.from({ length: ROLES }, (_, index) => [click(index, stack.eventsUrl), click(index, replicaUrl)]).flat(),
    ).finally(async () => {
      await holder.query('COMMIT');
      await holder.end();
    });
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: ROLES * 2 }, () => 200));

    await until(async () => (await stack.runtime.db.signoffRequest.findUniqueOrThrow({ where: { id: request.id } })).status === 'APPROVED', WAIT_MS);
    const rows = await stack.runtime.db.signoff.findMany({ where: { requestId: request.id } });
    expect(rows.map((row) => row.role).sort()).toEqual(Array.from({ length: ROLES }, (_, index) => `role-${index}`).sort());
    const decided = await stack.runtime.db.auditEvent.count({ where: { subjectId: request.id, action: 'signoff.decided' } });
    expect(decided).toBe(1);
    const announcements = () =>
      stack.standIn
        .threadReplies(stack.channelId, assessment.messageTs ?? '')
        .filter((reply) => reply.ts !== request.messageTs && text(reply).includes('Decision: GO'));
    await stack.standIn.waitFor(() => announcements().length > 0, WAIT_MS);
    expect(announcements()).toHaveLength(1);
    // Nobody was told to try again: the duplicate of each click is told it was already recorded, or nothing.
    const told = stack.standIn.responses.map((response) => JSON.stringify(response.body));
    expect(told.filter((body) => body.includes('temporarily unavailable'))).toEqual([]);
    // Nor told that something went wrong (a read that waited too long for a connection).
    expect(told.filter((body) => /went wrong|reference/i.test(body))).toEqual([]);
  }, 240_000);
});
