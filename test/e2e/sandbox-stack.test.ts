import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clusterHashTag } from '../../src/config/queue-prefix.ts';
import { startExampleService, type ExampleService } from '../../tools/demo/example-service.ts';
import { projectRoot } from '../../src/shared/paths.ts';
import { entryProcesses, exited, type EntryProcess, PROCESS_START_BOUND_MS, untilServing } from '../support/processes.ts';
import { closedPortUrl, until } from '../support/test-stack.ts';

/*
 * What compose's sandbox profile runs, as processes on this machine: the Slack stand-in's own entry, a bot and a
 * worker that share a hash-tag queue prefix (the Redis Cluster form compose and Kubernetes ship), and the
 * container health check script against their admin listeners, token and all.
 */

const processes = entryProcesses();
const others: EntryProcess[] = [];
let target: ExampleService | undefined;
const redis = new Redis(inject('redisUrl'));
afterAll(async () => {
  for (const child of others) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(others.map(exited));
  await processes.killAll();
  await target?.close();
  redis.disconnect();
});

/** A script of this repository, run as the Dockerfile's stages run it (tsx only for the sandbox's TypeScript entry). */
function startScript(args: string[], env: Record<string, string>): EntryProcess {
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = Object.assign(child, { output: () => output });
  others.push(started);
  return started;
}

const healthcheck = async (path: string, env: Record<string, string>) => {
  const child = startScript(['deploy/docker/healthcheck.mjs', path], env);
  return { code: await exited(child), output: child.output() };
};

const freePort = async () => Number(new URL(await closedPortUrl()).port);

async function keysUnder(pattern: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of redis.scanStream({ match: pattern, count: 500 })) keys.push(...(batch as string[]));
  return keys;
}

describe('the sandbox stack: stand-in entry, bot and worker on a hash-tag queue prefix', () => {
  it(
    'refuses to start the stand-in without the bot token and signing secret, naming each, exit 2',
    async () => {
      const standIn = startScript(['--import', 'tsx', 'tools/slack-stand-in/server.ts'], { STAND_IN_TARGET_URL: 'not a url' });
      expect(await exited(standIn)).toBe(2);
      expect(standIn.output()).toContain('SLACK_BOT_TOKEN: required');
      expect(standIn.output()).toContain("SLACK_SIGNING_SECRET: required: the bot's signing secret");
      expect(standIn.output()).toContain('STAND_IN_TARGET_URL: must be a URL');
      expect(standIn.output()).not.toMatch(/^\s+at /m);
      // One process started from source: seconds on a quiet machine, far more beside a loaded test run.
    },
    PROCESS_START_BOUND_MS,
  );

  it(
    'answers auth.test, runs a command sent through the control port to a verdict, and keeps every queue key in one cluster slot',
    async () => {
      const botToken = 'xoxb-sandbox-e2e';
      const signingSecret = randomBytes(16).toString('hex');
      const adminToken = randomBytes(16).toString('hex');
      const [port, apiPort, controlPort, botAdmin, workerAdmin] = [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      target = await startExampleService();

      const standIn = startScript(['--import', 'tsx', 'tools/slack-stand-in/server.ts'], {
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        STAND_IN_PORT: String(apiPort),
        STAND_IN_CONTROL_PORT: String(controlPort),
        STAND_IN_TARGET_URL: `http://127.0.0.1:${port}/slack/events`,
        STAND_IN_CHANNELS: 'C0BOX',
      });
      const api = `http://127.0.0.1:${apiPort}/api/`;
      const authTest = (token: string) =>
        fetch(`${api}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).then(
          (r) => r.json() as Promise<Record<string, unknown>>,
        );
      const identity = await untilServing(standIn, () => authTest(botToken).catch(() => undefined), "the stand-in's auth.test");
      expect(identity).toMatchObject({ ok: true, team_id: 'T0READY' });
      expect(await authTest('xoxb-someone-else')).toMatchObject({ ok: false, error: 'invalid_auth' });

      const dir = await mkdtemp(join(tmpdir(), 'readiness-sandbox-'));
      const configPath = join(dir, 'readiness.yaml');
      await writeFile(
        configPath,
        `services:\n  example-api:\n    environments:\n      staging:\n        vars: { baseUrl: "${target.url}" }\n    checks:\n      - { id: health, name: Health, type: http, severity: critical, url: "{{baseUrl}}/healthz" }\n      - { id: orders, name: Orders, type: http, severity: high, url: "{{baseUrl}}/healthz" }\n`,
      );
      const tag = `rtbox${randomBytes(3).toString('hex')}`;
      const env = {
        SLACK_BOT_TOKEN: botToken,
        SLACK_API_URL: api,
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: `{${tag}}`,
        READINESS_CONFIG: configPath,
        ADMIN_HOST: '0.0.0.0',
        ADMIN_TOKEN: adminToken,
        LOG_LEVEL: 'warn',
      };
      const bot = processes.start('bot.ts', { ...env, SLACK_SIGNING_SECRET: signingSecret, PORT: String(port), ADMIN_PORT: String(botAdmin) });
      const worker = processes.start('worker.ts', { ...env, ADMIN_PORT: String(workerAdmin) });

      // The image's HEALTHCHECK and the cluster's probes: ready once Postgres, Redis and (bot) the Slack listener are.
      for (const [child, adminPort] of [
        [bot, botAdmin],
        [worker, workerAdmin],
      ] as const) {
        const probeEnv = { ADMIN_PORT: String(adminPort), ADMIN_HOST: '0.0.0.0', ADMIN_TOKEN: adminToken };
        await untilServing(child, async () => (await healthcheck('/readyz', probeEnv)).code === 0, `/readyz on ${adminPort}`);
        expect((await healthcheck('/healthz', probeEnv)).code).toBe(0);
        const refused = await healthcheck('/healthz', { ADMIN_PORT: String(adminPort) });
        expect(refused.code).toBe(1);
        expect(refused.output).toContain('HTTP 401');
      }

      const control = `http://127.0.0.1:${controlPort}`;
      const sent = await fetch(`${control}/command`, {
        method: 'POST',
        body: JSON.stringify({ text: 'run example-api staging', userId: 'U0SANDBOX', channelId: 'C0BOX' }),
      });
      expect(sent.status).toBe(200);
      expect(await sent.json()).toMatchObject({ status: 200 });
      const verdict = await until(async () => {
        const messages = (await fetch(`${control}/messages?channel=C0BOX`).then((r) => r.json())) as { text?: string }[];
        return messages.find((message) => message.text === 'Readiness example-api → staging: GO');
      }, 60_000);
      expect(verdict).toBeDefined();
      const refusedInput = await fetch(`${control}/command`, { method: 'POST', body: JSON.stringify({ text: '' }) });
      expect(refusedInput.status).toBe(400);

      // The assessment's flow put its parent in `assessments` and its children in `checks`: on a Cluster one script
      // touches both, which works only because every key hashes on the same tag.
      const keys = await keysUnder(`*${tag}*`);
      expect(keys.some((key) => key.startsWith(`{${tag}}:assessments:`))).toBe(true);
      expect(keys.some((key) => key.startsWith(`{${tag}}:checks:`))).toBe(true);
      for (const key of keys) {
        expect(key.startsWith(`{${tag}}:`), key).toBe(true);
        expect(clusterHashTag(key)).toBe(tag);
      }

      bot.kill('SIGTERM');
      worker.kill('SIGTERM');
      standIn.kill('SIGTERM');
      expect(await exited(bot)).toBe(0);
      expect(await exited(worker)).toBe(0);
      expect(await exited(standIn)).toBe(0);
      if (keys.length > 0) await redis.del(...keys);
      // Three processes started from source and a whole run: well under 30 s on a quiet machine, not beside a loaded one.
    },
    2 * PROCESS_START_BOUND_MS,
  );
});
