import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ withWorkers: false });
});
afterAll(async () => {
  await stack.closeAll();
});

/** A click as Slack would deliver it, on a button value nobody's code ever rendered. */
function click(actionId: string, value: string, userId = 'U0TESTUSER') {
  return stack.standIn.sendInteraction(stack.eventsUrl, {
    type: 'block_actions',
    user: { id: userId, username: 'tester', team_id: 'T0READY' },
    api_app_id: 'A0READY',
    token: 'stand-in-verification-token',
    team: { id: 'T0READY', domain: 'readiness-demo' },
    channel: { id: stack.channelId, name: 'demo' },
    container: { type: 'message', message_ts: '1.1', channel_id: stack.channelId, is_ephemeral: false },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1.2' }],
  });
}

const answerTo = (responseUrl: string) =>
  stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === responseUrl)?.body.text as string | undefined);

const UNKNOWN = '3f2c9a7e-1b4d-4c5e-9f60-123456789abc';

describe('buttons and modals with values the bot never rendered', () => {
  it.each([
    ids.actions.attestCheck,
    ids.actions.requestSignoff,
    ids.actions.approve,
    ids.actions.approveWithConditions,
    ids.actions.reject,
    ids.actions.deployStart,
    ids.actions.deployAbort,
    ids.actions.deployRollback,
    ids.actions.gateProceed,
    ids.actions.runAssessment,
  ])('%s with a forged value is answered, ephemerally, without a stack trace', async (actionId) => {
    const result = await click(actionId, '<!channel> ../../etc');
    expect(result.status).toBe(200);
    const answer = await answerTo(result.responseUrl);
    expect(answer).toContain('Slack sent a command I could not read');
    expect(answer).not.toMatch(/at .*\.ts:\d+/);
  });

  it.each([
    [ids.actions.attestCheck, `${UNKNOWN}/health`, 'That assessment or check no longer exists'],
    [ids.actions.requestSignoff, UNKNOWN, 'That assessment no longer exists'],
    [ids.actions.approve, `${UNKNOWN}/tech-lead`, 'That sign-off request no longer exists'],
    [ids.actions.deployStart, UNKNOWN, 'That deployment no longer exists'],
    [ids.actions.deployRollback, UNKNOWN, 'That deployment no longer exists'],
    [ids.actions.gateProceed, `${UNKNOWN}/gate`, 'That deployment no longer exists'],
  ])('%s naming something that does not exist says so', async (actionId, value, expected) => {
    const result = await click(actionId, value);
    expect(await answerTo(result.responseUrl)).toContain(expected);
  });

  it('a button no listener answers (an older message, a forged payload) is acknowledged and told so, and known buttons are not', async () => {
    const result = await click('legacy_deploy_now', 'anything');
    expect(result.status).toBe(200);
    expect(await answerTo(result.responseUrl)).toContain('That button (`legacy_deploy_now`) is not one Readiness answers');

    const known = await click(ids.actions.approve, 'forged');
    expect(await answerTo(known.responseUrl)).toContain('Slack sent a command I could not read');
    const answers = stack.standIn.responses.filter((response) => response.url === known.responseUrl);
    expect(answers.map((response) => response.body.text)).not.toContainEqual(expect.stringContaining('is not one Readiness answers'));
  });

  it('a modal no listener answers is acknowledged by replacing it with one that says nothing was done', async () => {
    const result = await stack.standIn.sendInteraction(stack.eventsUrl, {
      type: 'view_submission',
      user: { id: 'U0TESTUSER', username: 'tester', team_id: 'T0READY' },
      team: { id: 'T0READY', domain: 'readiness-demo' },
      api_app_id: 'A0READY',
      token: 'stand-in-verification-token',
      view: { id: 'V0OLD', callback_id: 'legacy_release_form', private_metadata: '', state: { values: {} } },
    });
    expect(result.status).toBe(200);
    const answer = JSON.parse(result.body) as { response_action: string; view: { blocks: { text: { text: string } }[] } };
    expect(answer.response_action).toBe('update');
    expect(answer.view.blocks[0]?.text.text).toContain('This form (`legacy_release_form`) is not one Readiness answers');
  });

  it.each(['{"requestId":"nope"}', 'not json at all'])(
    'a sign-off modal whose hidden metadata was tampered with (%s) keeps the modal open with a message',
    async (metadata) => {
      const result = await stack.standIn.sendInteraction(stack.eventsUrl, {
        type: 'view_submission',
        user: { id: 'U0TESTUSER', username: 'tester', team_id: 'T0READY' },
        team: { id: 'T0READY', domain: 'readiness-demo' },
        api_app_id: 'A0READY',
        token: 'stand-in-verification-token',
        view: { id: 'V0X', callback_id: ids.views.signoffNote, private_metadata: metadata, state: { values: {} } },
      });
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({
        response_action: 'errors',
        errors: { [ids.blocks.signoffNoteInput]: expect.stringContaining('could not read') },
      });
    },
  );
});
