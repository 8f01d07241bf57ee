import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleService, type ExampleService } from '../../tools/demo/example-service.ts';
import { projectRoot } from '../../src/shared/paths.ts';
import { type CliResult, runCli } from '../support/cli.ts';

let target: ExampleService;
let configPath: string;
let dir: string;
beforeAll(async () => {
  target = await startExampleService();
  dir = await mkdtemp(join(tmpdir(), 'readiness-cli-'));
  configPath = join(dir, 'readiness.yaml');
  const example = await readFile(join(projectRoot, 'examples', 'readiness.yaml'), 'utf8');
  // The verdict must not depend on how busy this machine is. The search endpoint waits 350 ms before it answers, so
  // it is over its 250 ms ceiling however fast the machine; the orders endpoint answers in 40 ms, but on a loaded
  // machine a fresh CLI process can take 500 ms to see that answer, so its ceiling here is its own timeout: the
  // check still runs for real, and only the search check is slow by construction.
  const ordersCeiling = 'url: "{{baseUrl}}/api/orders"\n        maxLatencyMs: 250\n';
  if (!example.includes(ordersCeiling)) throw new Error('examples/readiness.yaml: the orders-latency check changed; update this test');
  await writeFile(
    configPath,
    example.replace('http://127.0.0.1:4010', target.url).replace(ordersCeiling, 'url: "{{baseUrl}}/api/orders"\n        maxLatencyMs: 3000\n'),
  );
});
afterAll(async () => {
  await target.close();
});

function cli(...args: string[]): Promise<CliResult> {
  return cliWithEnv({}, ...args);
}

const cliWithEnv = runCli;

describe('readiness assess (the CI gate)', () => {
  it('prints one JSON object with the verdict, and exits 3 for GO WITH CAUTION', async () => {
    const { code, stdout } = await cli('assess', '--service', 'example-api', '--env', 'staging', '--config', configPath, '--json');
    expect(code).toBe(3);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(
      ['blockers', 'categories', 'checks', 'env', 'recommendations', 'risk', 'score', 'service', 'verdict'].sort(),
    );
    expect(report).toMatchObject({ service: 'example-api', env: 'staging', verdict: 'GO_WITH_CAUTION', risk: 'medium', blockers: [] });
    expect(report.score).toBeCloseTo((100 * 14) / 15, 5);
    expect(report.categories).toEqual(expect.arrayContaining([{ name: 'performance', score: expect.closeTo((100 * 5) / 6, 5) as unknown }]));
    const checks = report.checks as Record<string, unknown>[];
    expect(Object.keys(checks[0] ?? {}).sort()).toEqual(
      ['category', 'durationMs', 'evidence', 'id', 'message', 'name', 'severity', 'status', 'type'].sort(),
    );
    expect(checks.find((check) => check.id === 'search-latency')).toMatchObject({ status: 'WARN', type: 'http', severity: 'medium' });
    expect(report.recommendations).toEqual([expect.stringMatching(/^Search API is fast: Profile the search query.*slower than the 250 ms ceiling/)]);
  });

  it('exits 1 with the blocker named when a critical check fails', async () => {
    target.setHealthy(false);
    try {
      const { code, stdout } = await cli('assess', '--service', 'example-api', '--env', 'staging', '--config', configPath);
      expect(code).toBe(1);
      expect(stdout).toContain('NO-GO');
      expect(stdout).toMatch(/Blockers:\n {2}- critical check "Health endpoint answers" is FAIL: .*answered 503, expected 200/);
    } finally {
      target.setHealthy(true);
    }
  });

  it('--json on NO-GO lists each blocker as {checkId, reason}, and recommends the remediation first', async () => {
    target.setHealthy(false);
    try {
      const { code, stdout } = await cli('assess', '--service', 'example-api', '--env', 'staging', '--config', configPath, '--json');
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as { verdict: string; risk: string; blockers: unknown[]; recommendations: string[] };
      expect(report).toMatchObject({ verdict: 'NO_GO', risk: 'critical' });
      expect(report.blockers).toEqual([
        {
          checkId: 'health',
          reason: expect.stringMatching(/^critical check "Health endpoint answers" is FAIL: .*answered 503, expected 200$/) as unknown,
        },
      ]);
      expect(report.recommendations[0]).toMatch(
        /^Health endpoint answers: Check the deployment's pods and the load balancer's target health\. \(.*answered 503/,
      );
    } finally {
      target.setHealthy(true);
    }
  });

  it('without --config reads $READINESS_CONFIG', async () => {
    const { code, stdout } = await cliWithEnv({ READINESS_CONFIG: configPath }, 'assess', '--service', 'example-api', '--env', 'staging', '--json');
    expect(code).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({ service: 'example-api', env: 'staging', verdict: 'GO_WITH_CAUTION' });
    const validated = await cliWithEnv({ READINESS_CONFIG: configPath }, 'config', 'validate');
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain(`${configPath} is valid`);
  });

  it('--config wins over $READINESS_CONFIG', async () => {
    const { code, stderr } = await cliWithEnv({ READINESS_CONFIG: configPath }, 'config', 'validate', '--config', join(dir, 'missing.yaml'));
    expect(code).toBe(2);
    expect(stderr).toContain(`${join(dir, 'missing.yaml')} is not a valid readiness config`);
  });

  it('POSTs the service and environment to a webhook check', async () => {
    const bodies: unknown[] = [];
    const hook = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(text));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'pass', message: 'flags clean' }));
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const hookConfig = join(dir, 'hook.yaml');
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/readiness`;
      await writeFile(
        hookConfig,
        `services:\n  api:\n    environments: { ci: {} }\n    checks:\n      - { id: flags, name: Flags clean, type: webhook, url: "${url}" }\n`,
      );
      const { code } = await cli('assess', '--service', 'api', '--env', 'ci', '--config', hookConfig);
      expect(code).toBe(0);
      expect(bodies).toEqual([
        {
          service: 'api',
          environment: 'ci',
          check: { id: 'flags', name: 'Flags clean', category: 'infrastructure', severity: 'high' },
          sentAt: expect.any(String) as unknown,
        },
      ]);
    } finally {
      await new Promise((resolve) => hook.close(resolve));
    }
  });

  it('exits 0 for GO', async () => {
    const goConfig = join(dir, 'go.yaml');
    await writeFile(
      goConfig,
      `services:\n  api:\n    environments: { ci: { vars: { base: "${target.url}" } } }\n    checks:\n      - { id: up, name: Up, type: http, severity: critical, url: "{{base}}/healthz" }\n`,
    );
    const { code, stdout } = await cli('assess', '--service', 'api', '--env', 'ci', '--config', goConfig);
    expect(code).toBe(0);
    expect(stdout).toContain('Readiness of api in ci: GO (score 100.0/100, risk low)');
  });
});

describe('readiness assess with manual and environment-specific checks', () => {
  it('reports a manual check as PENDING (it is attested in Slack) and a check for another environment as SKIPPED', async () => {
    const mixedConfig = join(dir, 'mixed.yaml');
    await writeFile(
      mixedConfig,
      [
        'roles:',
        '  release-manager: { users: [U0RM] }',
        'services:',
        '  api:',
        `    environments: { ci: { vars: { base: "${target.url}" } }, prod: {} }`,
        '    checks:',
        '      - { id: up, name: Up, type: http, severity: critical, url: "{{base}}/healthz", environments: [ci] }',
        '      - { id: runbook, name: Runbook reviewed, type: manual, severity: medium, role: release-manager }',
        '      - { id: prod-docs, name: Prod docs, type: http, url: "https://docs.example.com", environments: [prod] }',
        '',
      ].join('\n'),
    );
    const { code, stdout } = await cli('assess', '--service', 'api', '--env', 'ci', '--config', mixedConfig, '--json');
    const report = JSON.parse(stdout) as { verdict: string; checks: { id: string; status: string; message: string }[] };
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ['up', 'PASS'],
      ['runbook', 'PENDING'],
      ['prod-docs', 'SKIPPED'],
    ]);
    expect(report.checks[1]?.message).toBe('waiting for a member of the release-manager role to attest it in Slack');
    expect(report.checks[2]?.message).toBe('not checked in ci (runs in prod)');
    // 8 of 10 weight passes (the skipped check leaves the denominator): score 80, exactly the caution threshold.
    expect(report.verdict).toBe('GO_WITH_CAUTION');
    expect(code).toBe(3);
  });
});

describe('readiness refuses bad input with exit 2 and a message on stderr', () => {
  it.each([
    [['assess', '--service', 'example-api'], /assess needs --service and --env/],
    [['assess', '--service', 'nope', '--env', 'staging'], /no service "nope" .*services: example-api/],
    [['assess', '--service', 'example-api', '--env', 'qa'], /has no environment "qa"; environments: staging, production/],
    [['assess', '--bogus'], /Unknown option '--bogus'/],
    [['deploy'], /unknown command "deploy"/],
  ])('%j', async (args, expected) => {
    const { code, stderr, stdout } = await cli(...args, '--config', configPath);
    expect(code).toBe(2);
    expect(stderr).toMatch(expected);
    expect(stderr).toContain('Usage:');
    expect(stdout).toBe('');
  });

  it('an invalid config names the file and every key path, without a stack trace', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'services:\n  api:\n    environments: { ci: {} }\n    checks:\n      - { id: up, name: Up, type: carrier-pigeon }\n      - { id: x, name: X, type: http, url: "http://x", timeoutMs: "soon" }\n',
    );
    const { code, stderr } = await cli('config', 'validate', '--config', bad);
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad} is not a valid readiness config`);
    expect(stderr).toContain('services.api.checks[0].type');
    expect(stderr).toContain('services.api.checks[1].timeoutMs');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('assess with an invalid config exits 2, naming the file and the key path', async () => {
    const bad = join(dir, 'bad-assess.yaml');
    await writeFile(
      bad,
      'services:\n  api:\n    environments: { ci: {} }\n    checks:\n      - { id: up, name: Up, type: http, url: "http://x", timeoutMs: -1 }\n',
    );
    const { code, stderr, stdout } = await cli('assess', '--service', 'api', '--env', 'ci', '--config', bad, '--json');
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad} is not a valid readiness config`);
    expect(stderr).toContain('services.api.checks[0].timeoutMs');
    expect(stdout).toBe('');
  });

  it('config validate accepts the shipped example, the documentation-only service included', async () => {
    const { code, stdout } = await cli('config', 'validate', '--config', join(projectRoot, 'examples', 'readiness.yaml'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/is valid: 2 service\(s\), 13 check\(s\)/);
  });
});
