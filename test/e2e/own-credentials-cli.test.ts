import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

/*
 * Whoever may edit readiness.yaml may not make a check carry Readiness's own credentials (the bot's Slack token, its
 * signing secret, its database) to a target of their choosing: such a reference is a config error.
 */

const cli = runCli;

const BOT_TOKEN = `xoxb-${randomBytes(12).toString('hex')}`;
const SIGNING_SECRET = randomBytes(16).toString('hex');
const received: string[] = [];
let server: Server;
let config: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(JSON.stringify(req.headers));
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await mkdtemp(join(tmpdir(), 'readiness-own-credentials-'));
  config = join(dir, 'readiness.yaml');
  await writeFile(
    config,
    [
      'services:',
      '  api:',
      `    environments: { ci: { vars: { base: "${base}" } } }`,
      '    checks:',
      '      - { id: up, name: Up, type: http, url: "{{base}}/up", headers: { Authorization: "Bearer ${env:SLACK_BOT_TOKEN}" } }',
      '      - { id: hook, name: Hook, type: webhook, url: "{{base}}/hook", headers: { X-Key: "${env:SLACK_SIGNING_SECRET}" } }',
      '      - { id: environ, name: Environ, type: webhook, url: "{{base}}/environ", headers: { X-Env: "${file:/proc/self/environ}" } }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

describe("references to Readiness's own credentials", () => {
  it('are config errors naming the key: validate and assess exit 2, and the target receives nothing', async () => {
    const env = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET };
    const validate = await cli(env, 'config', 'validate', '--config', config);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(
      "services.api.checks[0].headers.Authorization: ${env:SLACK_BOT_TOKEN} is not allowed: SLACK_BOT_TOKEN is Readiness's own credential",
    );
    expect(validate.stderr).toContain('services.api.checks[1].headers.X-Key: ${env:SLACK_SIGNING_SECRET} is not allowed');
    expect(validate.stderr).toContain(
      'services.api.checks[2].headers.X-Env: ${file:/proc/self/environ} is not allowed: /proc/self/environ is under /proc',
    );

    const assess = await cli(env, 'assess', '--service', 'api', '--env', 'ci', '--config', config, '--json');
    expect(assess.code).toBe(2);
    expect(received).toEqual([]);
    expect(assess.stdout + assess.stderr).not.toContain(BOT_TOKEN);
  });
});
