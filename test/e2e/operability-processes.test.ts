import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startExampleService, type ExampleService } from '../../tools/demo/example-service.ts';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { entryProcesses, exited } from '../support/processes.ts';
import { closedPortUrl, until } from '../support/test-stack.ts';

const processes = entryProcesses();
let standIn: SlackStandIn | undefined;
let target: ExampleService | undefined;
afterAll(async () => {
  await processes.killAll();
  await standIn?.close();
  await target?.close();
});

const freePort = async () => new URL(await closedPortUrl()).port;

describe('npm start and npm run worker as an operator runs them', () => {
  it('log JSON lines (or pretty ones when asked), serve Bull Board on the bot with its credential, and worker metrics after a run', async () => {
    const signingSecret = randomBytes(16).toString('hex');
    const boardPassword = randomBytes(18).toString('base64url');
    standIn = await SlackStandIn.start({ signingSecret, botToken: 'xoxb-operability-test', channels: ['C0OPS'] });
    target = await startExampleService();
    const dir = await mkdtemp(join(tmpdir(), 'readiness-operability-'));
    const configPath = join(dir, 'readiness.yaml');
    await writeFile(
      configPath,
      `services:\n  example-api:\n    environments:\n      staging:\n        vars: { baseUrl: "${target.url}" }\n    checks:\n      - { id: health, name: Health, type: http, severity: critical, url: "{{baseUrl}}/healthz" }\n`,
    );
    const port = await freePort();
    const [botAdminPort, workerAdminPort] = [await freePort(), await freePort()];
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-operability-test',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: standIn.apiUrl,
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `rtops${randomBytes(3).toString('hex')}`,
      READINESS_CONFIG: configPath,
      LOG_LEVEL: 'info',
    };
    const bot = processes.start('bot.ts', {
      ...env,
      PORT: port,
      ADMIN_PORT: botAdminPort,
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: boardPassword,
    });
    const worker = processes.start('worker.ts', { ...env, ADMIN_PORT: workerAdminPort, LOG_FORMAT: 'pretty' });
    const botAdmin = `http://127.0.0.1:${botAdminPort}`;
    const workerAdmin = `http://127.0.0.1:${workerAdminPort}`;
    for (const admin of [botAdmin, workerAdmin])
      await until(
        () =>
          fetch(`${admin}/readyz`).then(
            (r) => r.ok,
            () => undefined,
          ),
        20_000,
      );
    await until(async () => bot.output().includes('readiness bot started'), 20_000);

    const signedIn = { authorization: `Basic ${Buffer.from(`ops:${boardPassword}`).toString('base64')}` };
    expect((await fetch(`${botAdmin}/admin/queues`)).status).toBe(401);
    const queues = await fetch(`${botAdmin}/admin/queues/api/queues`, { headers: signedIn });
    expect(queues.status).toBe(200);
    expect(((await queues.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name)).toContain('checks');
    // One board is enough: the worker's admin listener has none.
    expect((await fetch(`${workerAdmin}/admin/queues`, { headers: signedIn })).status).toBe(404);

    const ack = await standIn.sendSlashCommand(`http://127.0.0.1:${port}/slack/events`, {
      text: 'run example-api staging',
      userId: 'U0OPS',
      channelId: 'C0OPS',
    });
    expect(ack.status).toBe(200);
    await standIn.waitFor(() => standIn?.messages('C0OPS').find((message) => message.text === 'Readiness example-api → staging: GO'), 30_000);
    // The worker caches a /metrics reading for 5 s: wait for one taken after the run.
    const metrics = await until(async () => {
      const text = await (await fetch(`${workerAdmin}/metrics`)).text();
      return /^readiness_job_duration_seconds_count\{queue="checks",outcome="completed"\} [1-9]/m.test(text) ? text : undefined;
    }, 30_000);
    expect(metrics).toMatch(/^readiness_queue_jobs\{queue="checks",state="waiting"\} 0$/m);
    expect(metrics).toMatch(/^readiness_slack_api_retries_total\{client="workers"\} 0$/m);

    bot.kill('SIGTERM');
    worker.kill('SIGTERM');
    expect(await exited(bot)).toBe(0);
    expect(await exited(worker)).toBe(0);

    // Not a terminal and LOG_FORMAT unset: every line the bot wrote is one JSON object.
    const botLines = bot
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    const parsed = botLines.map((line) => JSON.parse(line) as { level: string; msg: string; time: string });
    expect(parsed.find((line) => line.msg === 'Bull Board is mounted at /admin/queues')).toMatchObject({
      level: 'info',
      user: 'ops',
      writable: false,
    });
    expect(parsed.find((line) => line.msg === 'readiness bot started')).toMatchObject({ level: 'info', mode: 'http' });
    expect(bot.output()).not.toContain(boardPassword);
    // LOG_FORMAT=pretty: pino-pretty's lines, not JSON.
    const workerStarted = worker
      .output()
      .split('\n')
      .find((line) => line.includes('readiness workers started'));
    expect(workerStarted).toMatch(/INFO/);
    expect(workerStarted?.trim().startsWith('{')).toBe(false);
  });
});
