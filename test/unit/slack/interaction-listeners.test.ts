import { App, type Receiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../../commands/index.ts';
import type { CommandDeps } from '../../../commands/command-context.ts';
import { mountInteractionListeners } from '../../../commands/interaction-listeners.ts';
import { ids } from '../../../src/slack/ids.ts';

const noReceiver: Receiver = { init: () => undefined, start: async () => undefined, stop: async () => undefined };

/** A Bolt app fed bodies through processEvent; `answered` records which listener took each request. */
function appWithTable() {
  const app = new App({ receiver: noReceiver, authorize: async () => ({ botToken: 'xoxb-test', teamId: 'T1' }) });
  const answered: string[] = [];
  const table = mountInteractionListeners(
    app,
    { action: async () => void answered.push('unknown action'), view: async () => void answered.push('unknown view') },
    (on) => {
      on.action('approve', async () => void answered.push('approve'));
      on.action('reject', async () => void answered.push('reject'));
      on.view('note', async () => void answered.push('note'));
    },
  );
  app.command('/readiness', async () => void answered.push('command'));
  const deliver = (body: Record<string, unknown>) => app.processEvent({ body, ack: async () => undefined });
  return { answered, deliver, table };
}

const click = (actionId: string) => ({
  type: 'block_actions',
  team: { id: 'T1' },
  user: { id: 'U1' },
  actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: 'v', action_ts: '1' }],
});
const submission = (callbackId: string, type = 'view_submission') => ({
  type,
  team: { id: 'T1' },
  user: { id: 'U1' },
  view: { id: 'V1', callback_id: callbackId, state: { values: {} } },
});

describe('buttons and modals answered through one listener each', () => {
  it('gives a click to the listener of its action id, and to no other', async () => {
    const { answered, deliver } = appWithTable();
    await deliver(click('reject'));
    await deliver(click('approve'));
    expect(answered).toEqual(['reject', 'approve']);
  });

  it('tells a click on any other id it is unknown, once, including ids that only start or end like a known one', async () => {
    const { answered, deliver } = appWithTable();
    for (const id of ['legacy_button', 'approve_v2', 'xapprove', '']) await deliver(click(id));
    expect(answered).toEqual(['unknown action', 'unknown action', 'unknown action', 'unknown action']);
  });

  it('gives a modal submission to the listener of its callback id, another to the unknown one, and ignores a closed modal', async () => {
    const { answered, deliver } = appWithTable();
    await deliver(submission('note'));
    await deliver(submission('old_modal'));
    await deliver(submission('note', 'view_closed'));
    expect(answered).toEqual(['note', 'unknown view']);
  });

  it('leaves slash commands to their own listener', async () => {
    const { answered, deliver } = appWithTable();
    await deliver({ command: '/readiness', text: 'help', team_id: 'T1', user_id: 'U1', channel_id: 'C1', trigger_id: 't' });
    expect(answered).toEqual(['command']);
  });

  it('refuses two listeners for one id: a click must get one answer', () => {
    const app = new App({ receiver: noReceiver, authorize: async () => ({ botToken: 'xoxb-test', teamId: 'T1' }) });
    const listener = async () => undefined;
    expect(() =>
      mountInteractionListeners(app, { action: listener, view: listener }, (on) => {
        on.action('approve', listener);
        on.action('approve', listener);
      }),
    ).toThrow(/two listeners for the action approve/);
  });

  it('has a listener for every button and modal the app renders, and the bot adds three Bolt listeners in all', () => {
    const app = new App({ receiver: noReceiver, authorize: async () => ({ botToken: 'xoxb-test', teamId: 'T1' }) });
    const handled = registerCommands(app, {} as CommandDeps);
    const buttons = [
      ...Object.values(ids.actions),
      ids.incident.acknowledge,
      ids.incident.escalate,
      ids.incident.resolve,
      ids.incident.raise,
      ids.incident.lower,
    ];
    expect([...handled.actionIds].sort()).toEqual([...buttons].sort());
    expect([...handled.viewIds].sort()).toEqual([ids.views.signoffNote, ids.incident.resolveModal, ids.incident.lowerModal].sort());
    // Bolt keeps its listeners in a private array it runs in full for every request.
    expect((app as unknown as { listeners: unknown[] }).listeners).toHaveLength(3);
  });
});
