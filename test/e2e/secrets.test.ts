import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { entryProcesses, type EntryProcess } from '../support/processes.ts';
import { closedPortUrl, until } from '../support/test-stack.ts';

/*
 * The acceptance test of "no secret at rest": a readiness.yaml whose secrets come from the environment (an http
 * header, URL userinfo, a postgres password, a webhook header) and one literal token in a URL, assessed by the real
 * bot and worker processes through the Slack stand-in. Afterwards no secret value may appear in the database (a
 * pg_dump), in any BullMQ key under the run's prefix, in the processes' output, or in anything Slack was sent.
 */

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const SECRETS = {
  H4_API_TOKEN: secret('api-token'),
  H4_BASIC_PASSWORD: secret('basic-pw'),
  H4_DB_PASSWORD: secret('db-pw'),
  H4_HOOK_KEY: secret('hook-key'),
};
/** Written into readiness.yaml as is (not a reference): it must be stored redacted and still be sent. */
const LITERAL_QUERY_TOKEN = secret('literal-query-token');
const SERVICE = 'vault-demo';
const CHANNEL = 'C0SECRETS';
const USER = 'U0SECRETS';

const processes = entryProcesses();
let standIn: SlackStandIn;
let target: Server;
let bot: EntryProcess;
let worker: EntryProcess;
let prefix: string;
let base: string;
const seenByTarget: string[] = [];

beforeAll(async () => {
  // The service being assessed: each endpoint passes only when it was sent the right secret.
  target = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seenByTarget.push(url.pathname);
    const basic = `Basic ${Buffer.from(`robot:${SECRETS.H4_BASIC_PASSWORD}`).toString('base64')}`;
    const ok =
      (url.pathname === '/bearer' && req.headers.authorization === `Bearer ${SECRETS.H4_API_TOKEN}`) ||
      (url.pathname === '/basic' && req.headers.authorization === basic) ||
      (url.pathname === '/query' && url.searchParams.get('token') === LITERAL_QUERY_TOKEN) ||
      (url.pathname === '/verdict' && req.headers['x-api-key'] === SECRETS.H4_HOOK_KEY);
    if (url.pathname === '/verdict') {
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ status: 'pass', message: 'the key was right' }));
    }
    res.writeHead(ok ? 200 : 401).end(ok ? 'ok' : 'wrong secret');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await processes.killAll();
  await standIn?.close();
  await new Promise((resolve) => target?.close(resolve));
});

const configYaml = (databaseServer: string) => `
services:
  ${SERVICE}:
    environments:
      staging:
        vars: { baseUrl: "${base}" }
    checks:
      - id: bearer
        name: Bearer token from the environment
        type: http
        url: "{{baseUrl}}/bearer"
        headers: { Authorization: "Bearer \${env:H4_API_TOKEN}" }
      - id: basic
        name: URL userinfo from the environment
        type: http
        url: "http://robot:\${env:H4_BASIC_PASSWORD}@${base.replace('http://', '')}/basic"
      - id: literal
        name: A literal token in the query string
        type: http
        url: "{{baseUrl}}/query?token=${LITERAL_QUERY_TOKEN}"
      - id: db
        name: Database with a password from the environment
        type: postgres
        url: "${databaseServer.replace('postgresql://postgres@', 'postgresql://postgres:${env:H4_DB_PASSWORD}@')}/postgres"
      - id: hook
        name: Webhook with a key from the environment
        type: webhook
        url: "{{baseUrl}}/verdict"
        headers: { X-Api-Key: "\${env:H4_HOOK_KEY}" }
      - id: unset
        name: A secret nobody set
        type: http
        severity: low
        url: "{{baseUrl}}/bearer"
        headers: { Authorization: "Bearer \${env:H4_NEVER_SET}" }
`;

/** Every value of every key under the prefix, whatever its type: job data, return values, failure reasons, events. */
async function dumpRedis(redisUrl: string, keyPrefix: string): Promise<string> {
  const redis = new Redis(redisUrl);
  try {
    const keys = await redis.keys(`${keyPrefix}:*`);
    const parts: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'string') parts.push((await redis.get(key)) ?? '');
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
    return `${keys.length} keys\n${parts.join('\n')}`;
  } finally {
    redis.disconnect();
  }
}

describe('secrets referenced from readiness.yaml', () => {
  it('reach the checks, and appear in no table, job, log line or Slack call', async () => {
    const databaseUrl = inject('databaseUrl');
    const redisUrl = inject('redisUrl');
    const databaseServer = databaseUrl.slice(0, databaseUrl.lastIndexOf('/'));
    const signingSecret = randomBytes(16).toString('hex');
    standIn = await SlackStandIn.start({ signingSecret, botToken: 'xoxb-secrets-test', channels: [CHANNEL] });
    const dir = await mkdtemp(join(tmpdir(), 'readiness-secrets-'));
    const configPath = join(dir, 'readiness.yaml');
    await writeFile(configPath, configYaml(databaseServer));
    const port = Number(new URL(await closedPortUrl()).port);
    prefix = `rtsec${randomBytes(3).toString('hex')}`;
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-secrets-test',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: standIn.apiUrl,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      READINESS_CONFIG: configPath,
      PORT: String(port),
      LOG_LEVEL: 'debug',
      ...SECRETS,
    };
    const adminPort = Number(new URL(await closedPortUrl()).port);
    bot = processes.start('bot.ts', { ...env, ADMIN_PORT: String(adminPort) });
    worker = processes.start('worker.ts', env);
    const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
    await until(
      () =>
        fetch(`http://127.0.0.1:${adminPort}/readyz`).then(
          (r) => r.ok,
          () => false,
        ),
      30_000,
    );

    const ack = await standIn.sendSlashCommand(eventsUrl, { text: `run ${SERVICE} staging`, userId: USER, channelId: CHANNEL });
    expect(ack.status).toBe(200);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const assessment = await until(async () => {
        const { rows } = await db.query<{ id: string; status: string; message_ts: string | null }>(
          'SELECT id, status, message_ts FROM assessments WHERE request_key = $1',
          [ack.triggerId],
        );
        const row = rows[0];
        return row && row.status === 'COMPLETED' && row.message_ts ? row : undefined;
      }, 60_000);
      const { rows: checks } = await db.query<{ check_id: string; status: string; message: string }>(
        'SELECT check_id, status, message FROM check_results WHERE assessment_id = $1 ORDER BY check_id',
        [assessment.id],
      );
      const statusOf = Object.fromEntries(checks.map((check) => [check.check_id, check.status]));
      // Every secret was resolved and sent: each endpoint passes only with the right one.
      expect(statusOf).toEqual({ basic: 'PASS', bearer: 'PASS', db: 'PASS', hook: 'PASS', literal: 'PASS', unset: 'ERROR' });
      expect(checks.find((check) => check.check_id === 'unset')?.message).toBe(
        'the secret ${env:H4_NEVER_SET} could not be resolved: the environment variable H4_NEVER_SET is not set',
      );
      // The message shows the verdict (and the unresolvable reference by name) once the assessment is done.
      const final = await standIn.waitFor(() => {
        const shown = standIn.message(CHANNEL, assessment.message_ts ?? '');
        return shown && !JSON.stringify(shown.blocks ?? []).includes('Assessing') ? shown : undefined;
      }, 30_000);
      expect(JSON.stringify(final.blocks)).toContain('H4_NEVER_SET');

      // The full report, uploaded as files to Slack, shows the checks too.
      const reportAck = await standIn.sendSlashCommand(eventsUrl, { text: `report ${assessment.id}`, userId: USER, channelId: CHANNEL });
      expect(reportAck.status).toBe(200);
      await standIn.waitFor(() => (standIn.files().filter((file) => file.name.endsWith('.json')).length > 0 ? true : undefined), 30_000);

      const { stdout: dump } = await promisify(execFile)('pg_dump', ['--data-only', databaseUrl], { maxBuffer: 256 * 1024 * 1024 });
      expect(dump).toContain(assessment.id);
      expect(dump).toContain('${env:H4_API_TOKEN}'); // the reference is stored as written, so the check can run again
      const jobs = await dumpRedis(redisUrl, prefix);
      expect(jobs).toContain(assessment.id);
      const slack = JSON.stringify([standIn.calls, standIn.responses, standIn.files().map((file) => [file.name, file.content?.toString('utf8')])]);
      expect(slack).toContain('Bearer token from the environment');
      const output = bot.output() + worker.output();
      expect(output).toContain('"level":"debug"');

      for (const [where, text] of Object.entries({ database: dump, jobs, slack, output })) {
        for (const value of [...Object.values(SECRETS), LITERAL_QUERY_TOKEN]) {
          expect(text.includes(value), `${value} found in ${where}`).toBe(false);
        }
      }
    } finally {
      await db.end();
    }
  }, 120_000);
});
