import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { startBot, type RunningBot } from '../../src/main/compose.ts';
import { createRuntime, type Runtime } from '../../src/main/runtime.ts';
import { validateBlocks, validateMessageText } from '../../src/slack/block-kit-limits.ts';
import { ackText, startTestStack, until, type TestStack } from '../support/test-stack.ts';

const DIGEST_CHANNEL = 'C0DIGEST';
const service = `digest-e2e-${randomUUID().slice(0, 8)}`;

const configWith = (schedule: string) => (baseUrl: string) =>
  parseReadinessConfig(
    {
      services: {
        [service]: {
          environments: { staging: { vars: { baseUrl } } },
          checks: [{ id: 'health', name: 'Health', type: 'http', url: '{{baseUrl}}/healthz' }],
        },
      },
      digests: { daily: { title: 'E2E daily', channel: DIGEST_CHANNEL, schedule, services: [service] } },
    },
    'digest e2e config',
  );

describe('/readiness digest through the Slack stand-in', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // 1 January 09:00: never fires while the test runs.
    stack = await startTestStack({ configFor: configWith('0 9 1 1 *'), standIn: { channels: ['C0DEMO', DIGEST_CHANNEL] } });
  });
  afterAll(async () => {
    await stack?.closeAll();
  });

  it('lists the digests without a name', async () => {
    const sent = await stack.run('digest');
    expect(sent.status).toBe(200);
    expect(ackText(sent)).toContain(`• \`daily\` — \`0 9 1 1 *\` (UTC) to <#${DIGEST_CHANNEL}>, covering \`${service}\``);
  });

  it('shows a digest as of now only to the user who asked, after a real assessment', async () => {
    const assessed = await stack.run(`run ${service} staging`);
    await stack.finished(assessed.triggerId);
    const postsBefore = stack.standIn.callsTo('chat.postMessage').length;

    const sent = await stack.run('digest daily');
    expect(ackText(sent)).toBe(':bar_chart: Building digest `daily`…');
    const answer = await stack.standIn.waitFor(() => stack.standIn.responses.find((response) => response.url === sent.responseUrl));
    expect(answer.status).toBe(200);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(validateBlocks(answer.body.blocks, 'message')).toEqual([]);
    expect(validateMessageText(answer.body.text, answer.body.blocks)).toEqual([]);
    expect(String(answer.body.text)).toMatch(/^E2E daily: 1 assessment, 0 deployments, 0 incidents/);
    expect(JSON.stringify(answer.body.blocks)).toContain(`*${service} → staging* — GO`);
    // A preview: nothing is posted to the digest's channel.
    expect(stack.standIn.callsTo('chat.postMessage').length).toBe(postsBefore);
  });

  it('refuses an unknown digest with the ones there are', async () => {
    const sent = await stack.run('digest weekly');
    expect(ackText(sent)).toBe('There is no digest `weekly`. Digests: `daily`. Usage: `/readiness digest [name]`.');
  });
});

describe('scheduled digests', () => {
  let stack: TestStack;
  let replica: { runtime: Runtime; bot: RunningBot } | undefined;
  beforeAll(async () => {
    // Every minute: the slot of the minute the bot starts in is caught up at once.
    stack = await startTestStack({ configFor: configWith('* * * * *'), standIn: { channels: ['C0DEMO', DIGEST_CHANNEL] } });
  });
  afterAll(async () => {
    await replica?.bot.stop();
    await replica?.runtime.close();
    await stack?.closeAll();
  });

  it('posts each slot once into the digest channel, with two bot replicas scheduling it', async () => {
    const since = new Date(Date.now() - 60_000);
    const runtime = createRuntime({ ...stack.runtime.settings });
    replica = { runtime, bot: await startBot(runtime, { signingSecret: stack.signingSecret, appToken: undefined, port: 0 }) };
    const recentRuns = () =>
      stack.runtime.db.digestRun.findMany({ where: { digest: 'daily', channelId: DIGEST_CHANNEL, status: 'POSTED', slotAt: { gte: since } } });
    await until(async () => (await recentRuns()).length > 0);
    // Give a duplicate time to show up, were there one.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const messages = stack.standIn.messages(DIGEST_CHANNEL);
    const runs = (await recentRuns()).filter((run) => messages.some((message) => message.ts === run.messageTs));
    expect(messages.length).toBeGreaterThanOrEqual(1);
    // Every message is one slot's post, and no slot was posted twice.
    expect(runs).toHaveLength(messages.length);
    expect(new Set(runs.map((run) => run.key)).size).toBe(messages.length);
    expect(runs.every((run) => run.requestedBy === 'system' && run.slotAt.getUTCSeconds() === 0)).toBe(true);
    for (const message of messages) expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  });
});
