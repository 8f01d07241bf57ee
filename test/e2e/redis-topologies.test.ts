import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startExampleService, type ExampleService } from '../../tools/demo/example-service.ts';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { entryProcesses, exited } from '../support/processes.ts';
import { startCluster, startSentinel, type RedisProcesses } from '../support/redis-topologies.ts';
import { closedPortUrl, until } from '../support/test-stack.ts';

/*
 * A bot and a worker reaching Redis through a real Sentinel, and on a real three-node Redis Cluster. REDIS_URL
 * names a port nobody listens on: only the topology variables can lead them to Redis.
 */

const processes = entryProcesses();
const started: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await processes.killAll();
  for (const thing of started.reverse()) await thing.close();
});

const freePort = async () => new URL(await closedPortUrl()).port;

async function runCommandToVerdict(topologyEnv: Record<string, string>, queuePrefix: string): Promise<void> {
  const signingSecret = randomBytes(16).toString('hex');
  const channel = 'C0TOPOLOGY';
  const standIn = await SlackStandIn.start({ signingSecret, botToken: 'xoxb-topology', channels: [channel] });
  const target: ExampleService = await startExampleService();
  started.push(standIn, target);
  const dir = await mkdtemp(join(tmpdir(), 'readiness-topology-'));
  const configPath = join(dir, 'readiness.yaml');
  await writeFile(
    configPath,
    `services:\n  example-api:\n    environments:\n      staging:\n        vars: { baseUrl: "${target.url}" }\n    checks:\n      - { id: health, name: Health, type: http, severity: critical, url: "{{baseUrl}}/healthz" }\n`,
  );
  const [port, botAdmin, workerAdmin, nobody] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-topology',
    SLACK_API_URL: standIn.apiUrl,
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: `redis://127.0.0.1:${nobody}`,
    QUEUE_PREFIX: queuePrefix,
    READINESS_CONFIG: configPath,
    LOG_LEVEL: 'warn',
    ...topologyEnv,
  };
  const bot = processes.start('bot.ts', { ...env, SLACK_SIGNING_SECRET: signingSecret, PORT: String(port), ADMIN_PORT: botAdmin });
  const worker = processes.start('worker.ts', { ...env, ADMIN_PORT: workerAdmin });
  for (const adminPort of [botAdmin, workerAdmin]) {
    const ready = await until(
      () =>
        fetch(`http://127.0.0.1:${adminPort}/readyz`).then(
          (r) => (r.ok ? r.json() : undefined),
          () => undefined,
        ),
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nbot: ${bot.output()}\nworker: ${worker.output()}`);
    });
    expect(ready).toMatchObject({ ready: true, dependencies: { redis: 'ok' } });
  }
  const ack = await standIn.sendSlashCommand(`http://127.0.0.1:${port}/slack/events`, {
    text: 'run example-api staging',
    userId: 'U0TOPO',
    channelId: channel,
  });
  expect(ack.status).toBe(200);
  await standIn.waitFor(() => standIn.messages(channel).find((message) => message.text === 'Readiness example-api → staging: GO'), 60_000);
  bot.kill('SIGTERM');
  worker.kill('SIGTERM');
  expect(await exited(bot)).toBe(0);
  expect(await exited(worker)).toBe(0);
}

describe('Redis topologies', () => {
  it('finds the master through Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME) and runs a command to its verdict', async () => {
    const master = new URL(inject('redisUrl'));
    const name = `rtmaster${randomBytes(3).toString('hex')}`;
    const sentinel: RedisProcesses = await startSentinel({ host: master.hostname, port: Number(master.port || 6379) }, name);
    started.push(sentinel);
    const prefix = `rtsentinel${randomBytes(3).toString('hex')}`;
    await runCommandToVerdict({ REDIS_SENTINELS: `127.0.0.1:${sentinel.ports[0]}`, REDIS_SENTINEL_NAME: name }, prefix);
    // The jobs went to the master the Sentinel named: the shared test Redis.
    const redis = new Redis(inject('redisUrl'));
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.some((key) => key.startsWith(`${prefix}:assessments:`))).toBe(true);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('runs a command to its verdict on a three-node Redis Cluster (REDIS_CLUSTER_NODES) with a hash-tag prefix', async () => {
    const cluster = await startCluster();
    started.push(cluster);
    await runCommandToVerdict({ REDIS_CLUSTER_NODES: cluster.ports.map((port) => `127.0.0.1:${port}`).join(',') }, '{readiness}');
  });
});
