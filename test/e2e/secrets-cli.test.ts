import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

/* `readiness config validate` and `readiness assess` with secret references, retention and egress keys. */

const cli = runCli;

const TOKEN = `cli-token-${randomBytes(12).toString('hex')}`;
const FILE_SECRET = `file-secret-${randomBytes(12).toString('hex')}`;
let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'readiness-secrets-cli-'));
  server = createServer((req, res) => {
    const ok = req.headers.authorization === `Bearer ${TOKEN}` && req.headers['x-file-secret'] === FILE_SECRET;
    res.writeHead(ok ? 200 : 401).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

describe('readiness config validate', () => {
  it('names the key path of a malformed secret reference, a bad egress rule and a bad retention, exit 2', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      [
        'retention: { checkResultsDays: 0, keepForever: true }',
        'egress: { allow: ["10.0.0.0/33", "*.internal"] }',
        'services:',
        '  api:',
        '    environments: { ci: {} }',
        '    checks:',
        '      - { id: up, name: Up, type: http, url: "http://x", headers: { Authorization: "Bearer ${env:}" } }',
        '      - { id: db, name: DB, type: postgres, url: "postgresql://app:${vault:db}@db/app" }',
        '',
      ].join('\n'),
    );
    const { code, stderr } = await cli({}, 'config', 'validate', '--config', bad);
    expect(code).toBe(2);
    expect(stderr).toContain('services.api.checks[0].headers.Authorization: ${env:} is not a valid reference');
    expect(stderr).toContain('services.api.checks[1].url: "${vault:db}@db/app" is not a valid reference');
    expect(stderr).toContain('egress.allow[0]: a host name, *.domain, an IP address or a CIDR');
    expect(stderr).toContain('retention.checkResultsDays');
    expect(stderr).toContain('retention.keepForever: unknown key');
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

describe('readiness assess with secrets from the environment and files', () => {
  it("resolves them only to run the checks; a missing one is that check's ERROR; no value is printed", async () => {
    const secretFile = join(dir, 'file-secret');
    await writeFile(secretFile, `${FILE_SECRET}\n`);
    const config = join(dir, 'readiness.yaml');
    await writeFile(
      config,
      [
        'services:',
        '  api:',
        `    environments: { ci: { vars: { base: "${base}" } } }`,
        '    checks:',
        `      - { id: up, name: Up, type: http, url: "{{base}}/up", headers: { Authorization: "Bearer \${env:CLI_TOKEN}", X-File-Secret: "\${file:${secretFile}}" } }`,
        '      - { id: missing, name: Missing, type: http, severity: low, url: "{{base}}/up", headers: { Authorization: "Bearer ${env:CLI_NOT_SET}" } }',
        `      - { id: creds, name: Creds, type: http, severity: low, url: "http://robot:\${env:CLI_TOKEN}@127.0.0.1:9/x?api_key=\${env:CLI_TOKEN}" }`,
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await cli({ CLI_TOKEN: TOKEN }, 'assess', '--service', 'api', '--env', 'ci', '--config', config, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(1); // NO-GO: two of the three checks did not pass
    const report = JSON.parse(stdout) as { checks: { id: string; status: string; message: string }[] };
    const byId = Object.fromEntries(report.checks.map((check) => [check.id, check]));
    expect(byId.up?.status).toBe('PASS');
    expect(byId.missing).toMatchObject({
      status: 'ERROR',
      message: 'the secret ${env:CLI_NOT_SET} could not be resolved: the environment variable CLI_NOT_SET is not set',
    });
    expect(byId.creds?.status).toBe('FAIL');
    expect(stdout).not.toContain(TOKEN);
    expect(stdout).not.toContain(FILE_SECRET);
    const scorecard = await cli({ CLI_TOKEN: TOKEN }, 'assess', '--service', 'api', '--env', 'ci', '--config', config);
    expect(scorecard.stdout).toContain('CLI_NOT_SET');
    expect(scorecard.stdout + scorecard.stderr).not.toContain(TOKEN);
  });
});
