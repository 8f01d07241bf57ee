import { describe, expect, it } from 'vitest';
import { ids } from '../../../src/slack/ids.ts';
import { inboxEntryOf, replayBody } from '../../../src/slack/request-inbox.ts';

const command = (text: string, extra: Record<string, unknown> = {}) => ({
  token: 'legacy-verification-token',
  team_id: 'T0READY',
  channel_id: 'C0DEMO',
  user_id: 'U0ALICE',
  command: '/readiness',
  text,
  response_url: 'https://hooks.slack.com/commands/T0READY/1/secret',
  trigger_id: '111.222.abc',
  ...extra,
});

const click = (actionId: string, extra: Record<string, unknown> = {}) => ({
  type: 'block_actions',
  token: 'legacy-verification-token',
  user: { id: 'U0BOB' },
  trigger_id: '333.444.def',
  response_url: 'https://hooks.slack.com/actions/T0READY/2/secret',
  container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0DEMO' },
  actions: [{ action_id: actionId, value: 'x', action_ts: '1700000001.123456' }],
  ...extra,
});

describe('which Slack requests the inbox records', () => {
  it.each([
    'incident sev1 Checkout down',
    'deploy api prod',
    'rollback api prod',
    'override a1b2c3d4 Hotfix tonight',
    'report a1b2c3d4',
    'DEPLOY api prod',
  ])('records the state-changing command `%s`', (text) =>
    expect(inboxEntryOf(command(text))).toMatchObject({ kind: 'command', key: 'command:111.222.abc', userId: 'U0ALICE' }),
  );

  it.each(['', 'help', 'status api prod', 'audit api', 'incidents', 'digest weekly', 'run api prod'])(
    'leaves `%s` alone: read-only, or made durable by its own intake job (run)',
    (text) => expect(inboxEntryOf(command(text))).toBeUndefined(),
  );

  it('records button clicks that change state, but not those that only open a modal', () => {
    expect(inboxEntryOf(click(ids.incident.acknowledge))).toMatchObject({ kind: 'block_actions', key: 'block_actions:333.444.def', userId: 'U0BOB' });
    expect(inboxEntryOf(click(ids.actions.approve))).toBeDefined();
    expect(inboxEntryOf(click(ids.actions.reject))).toBeUndefined();
    expect(inboxEntryOf(click(ids.incident.resolve))).toBeUndefined();
    expect(inboxEntryOf(click(ids.incident.lower))).toBeUndefined();
  });

  it('records modal submissions', () => {
    const submission = {
      type: 'view_submission',
      token: 't',
      user: { id: 'U0CAROL' },
      trigger_id: '555.666.ghi',
      view: { id: 'V1', callback_id: ids.views.signoffNote },
      response_urls: [],
    };
    expect(inboxEntryOf(submission)).toMatchObject({
      kind: 'view_submission',
      key: 'view_submission:555.666.ghi',
      userId: 'U0CAROL',
      responseUrl: null,
    });
  });

  it('keys a click without trigger_id by what a redelivery repeats: action time, action and message', () => {
    const { trigger_id: _, ...withoutTrigger } = click(ids.incident.acknowledge);
    expect(inboxEntryOf(withoutTrigger)?.key).toBe(`block_actions:1700000001.123456/${ids.incident.acknowledge}/1700000000.000100`);
  });

  it('ignores what it cannot key or does not handle: events, shortcuts, no user', () => {
    expect(inboxEntryOf({ type: 'event_callback', event: { type: 'app_mention' } })).toBeUndefined();
    expect(inboxEntryOf({ type: 'shortcut', trigger_id: '1', user: { id: 'U1' } })).toBeUndefined();
    expect(inboxEntryOf(command('incident sev1 x', { user_id: undefined }))).toBeUndefined();
    expect(inboxEntryOf('payload')).toBeUndefined();
  });
});

describe('what the inbox stores of a request', () => {
  it('never Slack’s verification token; the response URL apart, so it can be dropped once the request is done', () => {
    const entry = inboxEntryOf(command('incident sev1 Checkout down'));
    expect(entry?.body).not.toHaveProperty('token');
    expect(entry?.body).not.toHaveProperty('response_url');
    expect(JSON.stringify(entry?.body)).not.toContain('secret');
    expect(entry?.responseUrl).toBe('https://hooks.slack.com/commands/T0READY/1/secret');
  });

  it('drops a modal’s response URLs too', () => {
    const entry = inboxEntryOf({
      type: 'view_submission',
      user: { id: 'U0CAROL' },
      trigger_id: '5',
      view: {},
      response_urls: [{ response_url: 'https://hooks.slack.com/x' }],
    });
    expect(entry?.body).not.toHaveProperty('response_urls');
  });

  it('gives a replay the payload as Slack sent it, minus the token, with the response URL while it is kept', () => {
    const entry = inboxEntryOf(click(ids.incident.acknowledge));
    if (!entry) throw new Error('not recorded');
    const { token: _, ...sent } = click(ids.incident.acknowledge);
    expect(replayBody(entry)).toEqual(sent);
    expect(replayBody({ body: entry.body, responseUrl: null })).not.toHaveProperty('response_url');
  });
});
