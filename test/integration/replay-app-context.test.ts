import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/shared/logger.ts';
import { createReplayApp, isInboxReplay } from '../../src/slack/replay-app.ts';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';

// A handler must know when it runs a request the inbox replays (its first run died after the ack): an Abort then
// delivers the announcement its first run may have owed (src/deployments/control.ts). The replay marks Bolt's context.
const botToken = 'xoxb-replay-context';
let standIn: SlackStandIn;
beforeAll(async () => {
  standIn = await SlackStandIn.start({ signingSecret: randomBytes(16).toString('hex'), botToken, channels: ['C0REPLAY'] });
});
afterAll(async () => {
  await standIn?.close();
});

describe('the inbox replay app', () => {
  it('marks the context of every request it replays', async () => {
    const replayApp = createReplayApp({ botToken, slackApiUrl: standIn.apiUrl, slackRetries: 0, logger: silentLogger });
    const seen: boolean[] = [];
    replayApp.app.action('replay_probe', async ({ ack, context }) => {
      await ack();
      seen.push(isInboxReplay(context));
    });
    await replayApp.replay({
      type: 'block_actions',
      team: { id: 'T0REPLAY' },
      user: { id: 'U0REPLAY' },
      channel: { id: 'C0REPLAY' },
      actions: [{ type: 'button', action_id: 'replay_probe', block_id: 'b', value: 'v', action_ts: '1' }],
      trigger_id: 'trigger',
      response_url: 'https://hooks.slack.invalid/replay',
    });
    expect(seen).toEqual([true]);
    expect(isInboxReplay({})).toBe(false);
  });
});
