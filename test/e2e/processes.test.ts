import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startExampleService, type ExampleService } from '../../tools/demo/example-service.ts';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { entryProcesses, exited, PROCESS_START_BOUND_MS, untilServing } from '../support/processes.ts';
import { closedPortUrl } from '../support/test-stack.ts';

const processes = entryProcesses();

afterAll(() => processes.killAll());

describe('startup refuses bad configuration with one clear message', () => {
  it('lists every environment problem at once, exit 2, no stack trace', async () => {
    const bot = processes.start('bot.ts', { PORT: 'eighty', REDIS_URL: 'http://nope' });
    expect(await exited(bot)).toBe(2);
    const output = bot.output();
    expect(output).toContain('SLACK_BOT_TOKEN: required');
    expect(output).toContain('PORT: must be a port number');
    expect(output).toContain('REDIS_URL: must be a redis:// or rediss:// URL');
    expect(output).toContain('SLACK_SIGNING_SECRET: required in HTTP mode');
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('names the config file and the key path of every problem in readiness.yaml', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'readiness-config-'));
    const path = join(dir, 'readiness.yaml');
    await writeFile(
      path,
      'services:\n  shop:\n    environments: { prod: {} }\n    checks:\n      - { id: up, name: Up, type: http, url: "http://x", timeoutMs: -5 }\n',
    );
    const worker = processes.start('worker.ts', { SLACK_BOT_TOKEN: 'xoxb-test', READINESS_CONFIG: path });
    expect(await exited(worker)).toBe(2);
    expect(worker.output()).toContain(`${path} is not a valid readiness config`);
    expect(worker.output()).toContain('services.shop.checks[0].timeoutMs');
    expect(worker.output()).not.toMatch(/^\s+at /m);
  });
});

describe('npm start and npm run worker, as separate processes', () => {
  let standIn: SlackStandIn;
  let target: ExampleService;
  afterAll(async () => {
    await standIn?.close();
    await target?.close();
  });

  it(
    'serve health probes on their admin ports, run a command end to end, and stop gracefully on SIGTERM',
    async () => {
      const signingSecret = randomBytes(16).toString('hex');
      standIn = await SlackStandIn.start({ signingSecret, botToken: 'xoxb-process-test', channels: ['C0PROC'] });
      target = await startExampleService();
      const dir = await mkdtemp(join(tmpdir(), 'readiness-process-'));
      const configPath = join(dir, 'readiness.yaml');
      await writeFile(
        configPath,
        `services:\n  example-api:\n    environments:\n      staging:\n        vars: { baseUrl: "${target.url}" }\n    checks:\n      - { id: health, name: Health, type: http, severity: critical, url: "{{baseUrl}}/healthz" }\n`,
      );
      const freePort = async () => new URL(await closedPortUrl()).port;
      const port = Number(await freePort());
      const [botAdminPort, workerAdminPort] = [await freePort(), await freePort()];
      const env = {
        SLACK_BOT_TOKEN: 'xoxb-process-test',
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: standIn.apiUrl,
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: `rtproc${randomBytes(3).toString('hex')}`,
        READINESS_CONFIG: configPath,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      };
      const bot = processes.start('bot.ts', { ...env, ADMIN_PORT: botAdminPort });
      const worker = processes.start('worker.ts', { ...env, ADMIN_PORT: workerAdminPort });

      const base = `http://127.0.0.1:${port}`;
      for (const [child, adminPort] of [
        [bot, botAdminPort],
        [worker, workerAdminPort],
      ] as const) {
        const admin = `http://127.0.0.1:${adminPort}`;
        const health = await untilServing(
          child,
          () =>
            fetch(`${admin}/healthz`).then(
              (r) => r.ok && r,
              () => undefined,
            ),
          `${admin}/healthz`,
        );
        expect(health.status).toBe(200);
        // Live before ready: the bot's admin listener answers /healthz while its Slack listener is still starting
        // (/readyz then says slack_listener: starting), so wait for ready rather than read it once.
        const ready = await untilServing(
          child,
          () =>
            fetch(`${admin}/readyz`).then(
              async (r) => (r.ok ? ((await r.json()) as unknown) : undefined),
              () => undefined,
            ),
          `${admin}/readyz`,
        );
        expect(ready).toEqual({ ready: true, dependencies: { postgres: 'ok', redis: 'ok' } });
      }
      // The Slack listener is up (the bot's admin listener starts first) and serves Slack's endpoint only.
      await untilServing(
        bot,
        () =>
          fetch(`${base}/slack/events`, { method: 'POST' }).then(
            () => true,
            () => undefined,
          ),
        `${base}/slack/events`,
      );
      for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${base}${path}`)).status).toBe(404);

      const ack = await standIn.sendSlashCommand(`${base}/slack/events`, { text: 'run example-api staging', userId: 'U0PROC', channelId: 'C0PROC' });
      expect(ack.status).toBe(200);
      const final = await standIn.waitFor(
        () => standIn.messages('C0PROC').find((message) => message.text === 'Readiness example-api → staging: GO'),
        90_000,
      );
      expect(final.updates).toBeGreaterThan(0);

      bot.kill('SIGTERM');
      worker.kill('SIGTERM');
      expect(await exited(bot)).toBe(0);
      expect(await exited(worker)).toBe(0);
      // Two processes started from source and a whole run: seconds on a quiet machine, a minute or more on a loaded one.
    },
    2 * PROCESS_START_BOUND_MS,
  );
});
