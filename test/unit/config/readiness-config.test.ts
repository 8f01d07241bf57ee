import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lookupTarget } from '../../../src/config/catalog.ts';
import {
  formatKeyPath,
  loadReadinessConfig,
  parseReadinessConfig,
  parseReadinessYaml,
  ReadinessConfigError,
} from '../../../src/config/readiness-config.ts';

const SOURCE = 'config/readiness.yaml';

const VALID_YAML = `
services:
  checkout:
    description: The checkout API
    environments:
      staging:
        vars:
          baseUrl: https://staging.checkout.example.com
          port: 8443
      production:
        vars:
          baseUrl: https://checkout.example.com
          port: 443
    checks:
      - id: health
        name: Health endpoint answers
        type: http
        url: "{{baseUrl}}:{{ port }}/healthz"
      - id: orders
        name: Orders API is fast
        type: http
        category: performance
        severity: critical
        weight: 3
        method: HEAD
        expectStatus: [200, 204]
        timeoutMs: 1500
        maxLatencyMs: 250
        url: "{{baseUrl}}/orders"
  search:
    environments:
      production: {}
    checks:
      - id: ping
        name: Ping
        type: http
        url: https://search.example.com/ping
`;

/** The problems of the ReadinessConfigError `run` throws; fails the test if it does not throw one. */
function problemsOf(run: () => unknown): { message: string; problems: string[] } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ReadinessConfigError);
    const configError = error as ReadinessConfigError;
    return { message: configError.message, problems: configError.problems };
  }
  throw new Error('expected a ReadinessConfigError');
}

/** A one-service config with the given checks, as a YAML document. */
function yamlWithChecks(checks: string, environments = '      production: {}\n'): string {
  return `services:\n  checkout:\n    environments:\n${environments}    checks:\n${checks}`;
}

describe('parseReadinessYaml: a valid config', () => {
  const config = parseReadinessYaml(VALID_YAML, SOURCE);

  it('applies the documented defaults to a minimal check', () => {
    expect(config.services.checkout?.checks[0]).toEqual({
      id: 'health',
      name: 'Health endpoint answers',
      type: 'http',
      url: '{{baseUrl}}:{{ port }}/healthz',
      category: 'infrastructure',
      severity: 'high',
      timeoutMs: 5000,
      method: 'GET',
      expectStatus: 200,
      followRedirects: true,
    });
  });

  it('keeps explicit values', () => {
    expect(config.services.checkout?.checks[1]).toMatchObject({
      category: 'performance',
      severity: 'critical',
      weight: 3,
      method: 'HEAD',
      expectStatus: [200, 204],
      timeoutMs: 1500,
      maxLatencyMs: 250,
    });
  });

  it('turns numeric vars into strings and gives an environment without vars an empty set', () => {
    expect(config.services.checkout?.environments.production?.vars).toEqual({
      baseUrl: 'https://checkout.example.com',
      port: '443',
    });
    expect(config.services.search?.environments.production).toEqual({ vars: {}, thresholds: { go: 95, caution: 80 } });
  });
});

describe('parseReadinessYaml: malformed YAML', () => {
  it('reports the line and column of the syntax error and names the file', () => {
    const { message, problems } = problemsOf(() => parseReadinessYaml('services:\n  checkout:\n    checks: [\n  bad: : x\n', SOURCE));
    expect(message).toContain(SOURCE);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^line 4, column \d+: /);
  });

  it('reports a duplicated key with its position', () => {
    const { problems } = problemsOf(() => parseReadinessYaml('services:\n  checkout: {}\n  checkout: {}\n', SOURCE));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line 3, column 3: .*unique/);
  });
});

describe('parseReadinessConfig: schema errors', () => {
  it('names the file in the message and the key path in each problem', () => {
    const { message, problems } = problemsOf(() =>
      parseReadinessYaml(
        yamlWithChecks(
          '      - { id: a, name: A, type: http, url: "https://x" }\n' + '      - { id: b, name: B, type: http, url: "https://x", timeoutMs: -5 }\n',
        ),
        SOURCE,
      ),
    );
    expect(message.startsWith(`${SOURCE} is not a valid readiness config:`)).toBe(true);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^services\.checkout\.checks\[1\]\.timeoutMs: /);
    expect(message).toContain('services.checkout.checks[1].timeoutMs');
  });

  it('reports several problems at once, each with its own key path', () => {
    const { problems } = problemsOf(() =>
      parseReadinessYaml(
        yamlWithChecks(
          '      - { id: a, name: A, type: http, url: "https://x" }\n' +
            '      - { id: b, name: B, type: smtp, host: x }\n' +
            '      - { id: c, name: C, type: http, url: "https://x", timeoutMs: -5, maxLatencyMs: slow }\n',
        ),
        SOURCE,
      ),
    );
    const paths = problems.map((problem) => problem.split(': ')[0]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'services.checkout.checks[1].type',
        'services.checkout.checks[2].timeoutMs',
        'services.checkout.checks[2].maxLatencyMs',
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('reports a duplicate check id together with the schema problems, not only once they are fixed', () => {
    const { message, problems } = problemsOf(() =>
      parseReadinessYaml(
        yamlWithChecks(
          '      - { id: health, name: A, type: http, url: "https://a", timeoutMs: -5 }\n' +
            '      - { id: health, name: B, type: http, url: "https://b" }\n' +
            '      - { id: queue, name: C, type: carrier-pigeon }\n',
        ),
        SOURCE,
      ),
    );
    expect(message).toContain(`${SOURCE} is not a valid readiness config`);
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^services\.checkout\.checks\[0\]\.timeoutMs: .*>0/),
        expect.stringMatching(/^services\.checkout\.checks\[2\]\.type: .*http/),
        'services.checkout.checks[1].id: "health" is already used by checks[0]',
      ]),
    );
  });

  it('rejects an unknown check type and says which types exist', () => {
    const { problems } = problemsOf(() => parseReadinessYaml(yamlWithChecks('      - { id: a, name: A, type: smtp, host: db }\n'), SOURCE));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^services\.checkout\.checks\[0\]\.type: .*http/);
  });

  it('rejects a negative or zero timeout', () => {
    for (const timeout of [-1, 0]) {
      const { problems } = problemsOf(() =>
        parseReadinessYaml(yamlWithChecks(`      - { id: a, name: A, type: http, url: "https://x", timeoutMs: ${timeout} }\n`), SOURCE),
      );
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^services\.checkout\.checks\[0\]\.timeoutMs: /);
    }
  });

  it('rejects a latency threshold or expected status of the wrong type', () => {
    const { problems } = problemsOf(() =>
      parseReadinessYaml(
        yamlWithChecks('      - { id: a, name: A, type: http, url: "https://x", maxLatencyMs: "250ms", expectStatus: "OK" }\n'),
        SOURCE,
      ),
    );
    const paths = problems.map((problem) => problem.split(': ')[0]);
    expect(paths).toContain('services.checkout.checks[0].maxLatencyMs');
    expect(paths).toContain('services.checkout.checks[0].expectStatus');
    expect(problems.find((p) => p.startsWith('services.checkout.checks[0].maxLatencyMs'))).toMatch(/number/);
  });

  it('rejects an out-of-range expected status', () => {
    const { problems } = problemsOf(() =>
      parseReadinessYaml(yamlWithChecks('      - { id: a, name: A, type: http, url: "https://x", expectStatus: [200, 999] }\n'), SOURCE),
    );
    expect(problems[0]).toMatch(/^services\.checkout\.checks\[0\]\.expectStatus/);
  });

  it('requires at least one service, environment and check', () => {
    expect(problemsOf(() => parseReadinessConfig({ services: {} }, SOURCE)).problems).toEqual(['services: define at least one service']);
    const { problems } = problemsOf(() => parseReadinessConfig({ services: { checkout: { environments: {}, checks: [] } } }, SOURCE));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^services\.checkout\.environments: .*at least one environment/),
        expect.stringMatching(/^services\.checkout\.checks: .*at least one check/),
      ]),
    );
  });

  it('says "(top level)" for an empty document', () => {
    const { problems } = problemsOf(() => parseReadinessYaml('', SOURCE));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\(top level\): /);
  });

  it('rejects a check id that could not appear in a slash command', () => {
    const { problems } = problemsOf(() =>
      parseReadinessYaml(yamlWithChecks('      - { id: "Health Check", name: A, type: http, url: "https://x" }\n'), SOURCE),
    );
    expect(problems[0]).toMatch(/^services\.checkout\.checks\[0\]\.id: lowercase letters/);
  });
});

describe('parseReadinessConfig: cross-check rules', () => {
  it('rejects duplicate check ids within a service, naming both positions', () => {
    const { message, problems } = problemsOf(() =>
      parseReadinessYaml(
        yamlWithChecks(
          '      - { id: health, name: A, type: http, url: "https://a" }\n' +
            '      - { id: other, name: B, type: http, url: "https://b" }\n' +
            '      - { id: health, name: C, type: http, url: "https://c" }\n',
        ),
        SOURCE,
      ),
    );
    expect(message).toContain(SOURCE);
    expect(problems).toEqual(['services.checkout.checks[2].id: "health" is already used by checks[0]']);
  });

  it('allows the same check id in different services', () => {
    const check = { id: 'health', name: 'Health', type: 'http', url: 'https://x' };
    expect(() =>
      parseReadinessConfig(
        {
          services: {
            a: { environments: { prod: {} }, checks: [check] },
            b: { environments: { prod: {} }, checks: [check] },
          },
        },
        SOURCE,
      ),
    ).not.toThrow();
  });

  it('reports a {{var}} that one environment does not define, naming that environment', () => {
    const { problems } = problemsOf(() =>
      parseReadinessYaml(
        yamlWithChecks(
          '      - { id: a, name: A, type: http, url: "https://x" }\n' + '      - { id: b, name: B, type: http, url: "{{baseUrl}}/healthz" }\n',
          '      staging:\n        vars: { baseUrl: "https://staging" }\n      production:\n        vars: { other: x }\n',
        ),
        SOURCE,
      ),
    );
    expect(problems).toEqual(['services.checkout.checks[1]: uses {{baseUrl}}, which services.checkout.environments.production.vars does not define']);
  });

  it('reports the missing variable once per environment that lacks it', () => {
    const { problems } = problemsOf(() =>
      parseReadinessYaml(
        yamlWithChecks('      - { id: a, name: A, type: http, url: "{{baseUrl}}/healthz" }\n', '      staging: {}\n      production: {}\n'),
        SOURCE,
      ),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('environments.staging.vars');
    expect(problems[1]).toContain('environments.production.vars');
  });
  // BUG: interpolate() looks variables up with `vars[name]` on a plain object, so `{{toString}}` or
  // `{{constructor}}` resolve to Object.prototype members: the config validates and the URL becomes
  // "https://x/function toString() { [native code] }".
  it('reports {{toString}} as undefined instead of interpolating Object.prototype.toString', () => {
    const { problems } = problemsOf(() =>
      parseReadinessYaml(yamlWithChecks('      - { id: a, name: A, type: http, url: "https://x/{{toString}}" }\n'), SOURCE),
    );
    expect(problems).toEqual([
      'services.checkout.checks[0]: uses {{toString}}, which services.checkout.environments.production.vars does not define',
    ]);
  });
});

describe('lookupTarget', () => {
  const config = parseReadinessYaml(VALID_YAML, SOURCE);

  it('interpolates the vars of the chosen environment into every check', () => {
    const staging = lookupTarget(config, 'checkout', 'staging');
    const production = lookupTarget(config, 'checkout', 'production');
    if (!staging.ok || !production.ok) throw new Error('expected both lookups to succeed');
    expect(staging.checks.map((check) => check.type === 'http' && check.url)).toEqual([
      'https://staging.checkout.example.com:8443/healthz',
      'https://staging.checkout.example.com/orders',
    ]);
    expect(production.checks.map((check) => check.type === 'http' && check.url)).toEqual([
      'https://checkout.example.com:443/healthz',
      'https://checkout.example.com/orders',
    ]);
  });

  it('does not change the loaded config, so environments do not leak into each other', () => {
    lookupTarget(config, 'checkout', 'staging');
    const first = config.services.checkout?.checks[0];
    expect(first?.type === 'http' ? first.url : undefined).toBe('{{baseUrl}}:{{ port }}/healthz');
  });

  it('keeps non-string fields as they are', () => {
    const result = lookupTarget(config, 'checkout', 'production');
    if (!result.ok) throw new Error('expected the lookup to succeed');
    expect(result.checks[1]).toMatchObject({ timeoutMs: 1500, expectStatus: [200, 204], weight: 3 });
  });

  it('lists the known services (sorted) for an unknown service', () => {
    expect(lookupTarget(config, 'payments', 'production')).toEqual({
      ok: false,
      reason: 'unknown_service',
      known: ['checkout', 'search'],
    });
  });

  it('lists the environments of the service for an unknown environment', () => {
    expect(lookupTarget(config, 'checkout', 'qa')).toEqual({
      ok: false,
      reason: 'unknown_environment',
      service: 'checkout',
      known: ['staging', 'production'],
    });
  });
});

describe('formatKeyPath', () => {
  it('writes array indexes in brackets and keys with dots', () => {
    expect(formatKeyPath(['services', 'checkout', 'checks', 3, 'timeoutMs'])).toBe('services.checkout.checks[3].timeoutMs');
    expect(formatKeyPath([])).toBe('');
  });
});

describe('loadReadinessConfig', () => {
  it('says "file not found" and names the path when the file does not exist', async () => {
    const missing = join(tmpdir(), `readiness-missing-${randomUUID()}`, 'readiness.yaml');
    const error = await loadReadinessConfig(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReadinessConfigError);
    const configError = error as ReadinessConfigError;
    expect(configError.source).toBe(missing);
    expect(configError.message).toContain(missing);
    expect(configError.problems).toHaveLength(1);
    expect(configError.problems[0]).toMatch(/^file not found/);
    expect(configError.problems[0]).toContain('READINESS_CONFIG');
  });
});

describe('URLs after variable substitution', () => {
  it('refuses a check URL that is not http(s) in some environment, naming the environment and key', () => {
    const document = {
      services: {
        shop: {
          environments: { staging: { vars: { base: 'http://shop.staging' } }, prod: { vars: { base: 'ftp://shop' } } },
          checks: [{ id: 'up', name: 'Up', type: 'http', url: '{{base}}/healthz' }],
        },
      },
    };
    expect(() => parseReadinessConfig(document, 'readiness.yaml')).toThrow(
      'services.shop.checks[0].url: "ftp://shop/healthz" (in prod) is not a http:// or https:// URL',
    );
  });
});

describe('verdict thresholds per environment', () => {
  const withThresholds = (thresholds: unknown) => ({
    services: {
      shop: {
        environments: { staging: { thresholds }, prod: {} },
        checks: [{ id: 'up', name: 'Up', type: 'http', url: 'http://shop/healthz' }],
      },
    },
  });

  it('defaults to go 95 / caution 80 and lets an environment relax or tighten them', () => {
    const config = parseReadinessConfig(withThresholds({ go: 90, caution: 70 }), 'readiness.yaml');
    const staging = lookupTarget(config, 'shop', 'staging');
    const prod = lookupTarget(config, 'shop', 'prod');
    expect(staging.ok && staging.thresholds).toEqual({ go: 90, caution: 70 });
    expect(prod.ok && prod.thresholds).toEqual({ go: 95, caution: 80 });
  });

  it('refuses a caution threshold above go, naming the key', () => {
    expect(() => parseReadinessConfig(withThresholds({ go: 80, caution: 90 }), 'readiness.yaml')).toThrow(
      'services.shop.environments.staging.thresholds.caution: caution must not be above go',
    );
  });
});

describe('check types that take a URL and nested variables', () => {
  const service = (checks: unknown[], vars: Record<string, string> = {}) => ({
    services: { shop: { environments: { prod: { vars } }, checks } },
  });

  it('refuses a postgres check whose URL is not postgres://, without printing its password', () => {
    expect(() =>
      parseReadinessConfig(service([{ id: 'db', name: 'DB', type: 'postgres', url: 'mysql://app:s3cret@db/app' }]), 'readiness.yaml'),
    ).toThrow('services.shop.checks[0].url: "mysql://app:***@db/app" (in prod) is not a postgres:// or postgresql:// URL');
  });

  it('substitutes variables inside webhook headers', () => {
    const config = parseReadinessConfig(
      service([{ id: 'hook', name: 'Hook', type: 'webhook', url: 'https://hooks.internal/check', headers: { authorization: 'Bearer {{token}}' } }], {
        token: 'abc',
      }),
      'readiness.yaml',
    );
    const target = lookupTarget(config, 'shop', 'prod');
    const hook = target.ok ? target.checks[0] : undefined;
    expect(hook?.type === 'webhook' ? hook.headers : undefined).toEqual({ authorization: 'Bearer abc' });
  });
});

describe('roles, manual checks and environment-specific checks', () => {
  const config = (checks: unknown[], roles: unknown = { 'release-manager': { users: ['U0RM'], usergroups: ['S0RMS'] } }) => ({
    roles,
    services: {
      shop: {
        environments: { staging: { vars: { host: 'staging.shop' } }, prod: {} },
        checks,
      },
    },
  });
  const manual = { id: 'runbook', name: 'Runbook reviewed', type: 'manual', role: 'release-manager' };

  it('parses a manual check with its role and a validity written as a duration (24h by default)', () => {
    const parsed = parseReadinessConfig(config([manual, { ...manual, id: 'load-test', validFor: '90m' }]), 'readiness.yaml');
    expect(parsed.services.shop?.checks.map((check) => (check.type === 'manual' ? check.validFor : undefined))).toEqual([86_400_000, 5_400_000]);
  });

  it('refuses a manual check whose role is not defined, listing the defined roles', () => {
    expect(() => parseReadinessConfig(config([{ ...manual, role: 'cto' }]), 'readiness.yaml')).toThrow(
      'services.shop.checks[0].role: "cto" is not defined under roles (release-manager)',
    );
    expect(() => parseReadinessConfig(config([{ ...manual, role: 'cto' }], {}), 'readiness.yaml')).toThrow('(no roles are defined)');
  });

  it('refuses a malformed duration, role members that are not Slack ids, and an empty role', () => {
    const problems = problemsOf(() =>
      parseReadinessConfig(config([{ ...manual, validFor: 'tomorrow' }], { 'release-manager': { users: ['alice'] }, empty: {} }), 'readiness.yaml'),
    ).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('roles.release-manager.users[0]: expected a Slack user id'),
        expect.stringContaining('roles.empty: a role needs at least one user or usergroup'),
        expect.stringContaining('services.shop.checks[0].validFor'),
      ]),
    );
  });

  it('skips a check outside its environments, with the reason, and does not need its variables there', () => {
    const parsed = parseReadinessConfig(
      config([
        { id: 'up', name: 'Up', type: 'http', url: 'https://{{host}}/healthz', environments: ['staging'] },
        { id: 'docs', name: 'Docs', type: 'http', url: 'https://docs.example.com' },
      ]),
      'readiness.yaml',
    );
    const prod = lookupTarget(parsed, 'shop', 'prod');
    expect(prod.ok && prod.checks.map((check) => check.id)).toEqual(['docs']);
    expect(prod.ok && prod.skipped.map(({ check, reason }) => [check.id, reason])).toEqual([['up', 'not checked in prod (runs in staging)']]);
    const staging = lookupTarget(parsed, 'shop', 'staging');
    expect(staging.ok && staging.skipped).toEqual([]);
  });

  it('refuses an environment list naming an environment the service does not have', () => {
    expect(() =>
      parseReadinessConfig(config([{ id: 'up', name: 'Up', type: 'http', url: 'https://x', environments: ['production'] }]), 'readiness.yaml'),
    ).toThrow('services.shop.checks[0].environments[0]: "production" is not an environment of shop (staging, prod)');
  });
});

describe('sign-off policies', () => {
  const withPolicy = (signoff: unknown) => ({
    roles: { 'tech-lead': { users: ['U0LEAD'] } },
    services: {
      shop: {
        environments: { prod: { signoff } },
        checks: [{ id: 'up', name: 'Up', type: 'http', url: 'https://shop/healthz' }],
      },
    },
  });

  it('applies the documented defaults', () => {
    const config = parseReadinessConfig(withPolicy({ required: [{ role: 'tech-lead' }] }), 'readiness.yaml');
    expect(config.services.shop?.environments.prod?.signoff).toEqual({
      required: [{ role: 'tech-lead', count: 1, covers: [] }],
      expiresAfter: 86_400_000,
      allowSelfApproval: false,
      dismissStaleOnNewAssessment: true,
      eligibleVerdicts: ['GO', 'GO_WITH_CAUTION'],
      autoRequest: false,
    });
  });

  it('refuses roles the config does not define, for required sign-offs and the override role', () => {
    const { problems } = problemsOf(() =>
      parseReadinessConfig(withPolicy({ required: [{ role: 'security' }], overrideRole: 'cto' }), 'readiness.yaml'),
    );
    expect(problems).toEqual([
      'services.shop.environments.prod.signoff.required[0].role: "security" is not defined under roles (tech-lead)',
      'services.shop.environments.prod.signoff.overrideRole: "cto" is not defined under roles (tech-lead)',
    ]);
  });

  it('refuses an empty list of required sign-offs and an unknown verdict', () => {
    const { problems } = problemsOf(() => parseReadinessConfig(withPolicy({ required: [], eligibleVerdicts: ['MAYBE'] }), 'readiness.yaml'));
    expect(problems.join('\n')).toContain('services.shop.environments.prod.signoff.required: list at least one required sign-off');
    expect(problems.join('\n')).toContain('services.shop.environments.prod.signoff.eligibleVerdicts[0]');
  });
});
