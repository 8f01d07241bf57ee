import { describe, expect, it } from 'vitest';
import { parseReadinessConfig, ReadinessConfigError } from '../../../src/config/readiness-config.ts';
import { ReadinessConfig } from '../../../src/config/readiness-config.schema.ts';
import { acceptedKeysAt, describeUnknownKey, suggestKey } from '../../../src/config/unknown-keys.ts';

const SOURCE = 'readiness.yaml';
const http = (extra: Record<string, unknown> = {}) => ({ id: 'up', name: 'Up', type: 'http', url: 'https://shop.example.com/healthz', ...extra });

/** A valid one-service config; `edit` puts the misspelling somewhere in it. */
function config(edit: (document: Record<string, any>) => void): Record<string, any> {
  const document: Record<string, any> = {
    roles: { sre: { users: ['U0SRE'] } },
    deployments: {
      templates: {
        quick: {
          phases: [
            {
              id: 'ship',
              tasks: [
                { id: 'go', type: 'webhook', url: 'https://deploy.example.com' },
                { id: 'ok', type: 'manual-gate', role: 'sre' },
              ],
            },
          ],
          rollback: { tasks: [{ id: 'undo', type: 'webhook', url: 'https://deploy.example.com/undo' }] },
        },
      },
    },
    services: {
      checkout: {
        environments: {
          prod: {
            vars: { anything: 'goes', 'free-form': 1 },
            signoff: { required: [{ role: 'sre' }] },
            deploy: { template: 'quick', deployerRole: 'sre' },
          },
        },
        checks: [
          http(),
          { id: 'db', name: 'DB port', type: 'tcp', host: 'db.internal', port: 5432 },
          http({ id: 'slow', json: { path: '$.status', equals: 'ok' } }),
          { id: 'hook', name: 'Hook', type: 'webhook', url: 'https://hook.example.com', headers: { 'X-Any-Header': 'free' } },
        ],
      },
    },
    incidents: { severities: { sev1: { levels: [{ roles: ['sre'] }] } } },
    digests: { daily: { channel: 'C0DIGEST', schedule: '0 9 * * 1-5' } },
  };
  edit(document);
  return document;
}

function problemsOf(document: unknown): string[] {
  try {
    parseReadinessConfig(document, SOURCE);
  } catch (error) {
    expect(error).toBeInstanceOf(ReadinessConfigError);
    return (error as ReadinessConfigError).problems;
  }
  throw new Error('expected the config to be refused');
}

describe('unknown keys in readiness.yaml are errors with the key path and the key meant', () => {
  it('accepts the valid config the cases start from (vars and webhook headers stay free-form)', () => {
    expect(() =>
      parseReadinessConfig(
        config(() => undefined),
        SOURCE,
      ),
    ).not.toThrow();
  });

  it.each([
    [
      'a check timeout in the wrong case',
      (d: any) => (d.services.checkout.checks[2].timeoutMS = 100),
      'services.checkout.checks[2].timeoutMS',
      'timeoutMs',
    ],
    ['a misspelt severity', (d: any) => (d.services.checkout.checks[0].severty = 'low'), 'services.checkout.checks[0].severty', 'severity'],
    [
      'snake_case for camelCase',
      (d: any) => (d.services.checkout.checks[0].max_latency_ms = 5),
      'services.checkout.checks[0].max_latency_ms',
      'maxLatencyMs',
    ],
    ['a key of the tcp type, not http', (d: any) => (d.services.checkout.checks[1].hots = 'x'), 'services.checkout.checks[1].hots', 'host'],
    [
      'a key inside an http check’s json',
      (d: any) => (d.services.checkout.checks[2].json.equal = 'ok'),
      'services.checkout.checks[2].json.equal',
      'equals',
    ],
    [
      'environment thresholds',
      (d: any) => (d.services.checkout.environments.prod.treshold = { go: 90 }),
      'services.checkout.environments.prod.treshold',
      'thresholds',
    ],
    [
      'a threshold inside thresholds',
      (d: any) => (d.services.checkout.environments.prod.thresholds = { go: 90, cauton: 70 }),
      'services.checkout.environments.prod.thresholds.cauton',
      'caution',
    ],
    [
      'a sign-off policy key',
      (d: any) => (d.services.checkout.environments.prod.signoff.expiresAftr = '2h'),
      'services.checkout.environments.prod.signoff.expiresAftr',
      'expiresAfter',
    ],
    [
      'a required sign-off',
      (d: any) => (d.services.checkout.environments.prod.signoff.required[0].cuont = 2),
      'services.checkout.environments.prod.signoff.required[0].cuont',
      'count',
    ],
    [
      'a deploy policy key',
      (d: any) => (d.services.checkout.environments.prod.deploy.deployerrole = 'sre'),
      'services.checkout.environments.prod.deploy.deployerrole',
      'deployerRole',
    ],
    ['a service key', (d: any) => (d.services.checkout.descripton = 'x'), 'services.checkout.descripton', 'description'],
    ['a role key', (d: any) => (d.roles.sre.user = ['U0X']), 'roles.sre.user', 'users'],
    [
      'a webhook task key',
      (d: any) => (d.deployments.templates.quick.phases[0].tasks[0].statusURL = 'https://x'),
      'deployments.templates.quick.phases[0].tasks[0].statusURL',
      'statusUrl',
    ],
    [
      'a manual-gate task key',
      (d: any) => (d.deployments.templates.quick.phases[0].tasks[1].promt = 'go?'),
      'deployments.templates.quick.phases[0].tasks[1].promt',
      'prompt',
    ],
    ['a phase key', (d: any) => (d.deployments.templates.quick.phases[0].timout = '5m'), 'deployments.templates.quick.phases[0].timout', 'timeout'],
    ['a template key', (d: any) => (d.deployments.templates.quick.autoRolback = false), 'deployments.templates.quick.autoRolback', 'autoRollback'],
    [
      'a rollback key',
      (d: any) => (d.deployments.templates.quick.rollback.maxDuraton = '5m'),
      'deployments.templates.quick.rollback.maxDuraton',
      'maxDuration',
    ],
    ['the deployments block', (d: any) => (d.deployments.template = {}), 'deployments.template', 'templates'],
    ['an escalation level', (d: any) => (d.incidents.severities.sev1.levels[0].user = ['U0X']), 'incidents.severities.sev1.levels[0].user', 'users'],
    ['a severity policy', (d: any) => (d.incidents.severities.sev1.respondwithin = '5m'), 'incidents.severities.sev1.respondwithin', 'respondWithin'],
    [
      'a runbook kind (an enum-keyed record)',
      (d: any) => (d.incidents.runbooks = { outgae: 'https://wiki.example.com/outage' }),
      'incidents.runbooks.outgae',
      'outage',
    ],
    ['the incidents block', (d: any) => (d.incidents.chanel = 'C0INC'), 'incidents.chanel', 'channel'],
    ['a digest key', (d: any) => (d.digests.daily.timeZone = 'UTC'), 'digests.daily.timeZone', 'timezone'],
    ['a top-level key', (d: any) => (d.role = {}), 'role', 'roles'],
  ])('%s', (_case, edit, path, meant) => {
    expect(problemsOf(config(edit))).toEqual([`${path}: unknown key; did you mean \`${meant}\`?`]);
  });

  it('lists the accepted keys when none is close, never an unrelated "correction"', () => {
    const [problem] = problemsOf(config((d) => (d.services.checkout.checks[1].colour = 'blue')));
    expect(problem).toMatch(/^services\.checkout\.checks\[1\]\.colour: unknown key; accepted here: id, name, .*\bhost, port\b/);
    expect(problem).not.toContain('did you mean');
    // The tcp check's keys, not the http check's: the check's `type` picks the schema.
    expect(problem).not.toContain('url');
  });

  it('does not take a numbered key for a typo of another number', () => {
    expect(problemsOf(config((d) => (d.incidents.severities.sev5 = {})))).toEqual([
      'incidents.severities.sev5: unknown key; accepted here: sev1, sev2, sev3, sev4',
    ]);
  });

  it('reports every unknown key, together with the other problems of the file', () => {
    const problems = problemsOf(
      config((d) => {
        d.services.checkout.checks[0].timeoutMS = 100;
        d.services.checkout.checks[0].severty = 'low';
        d.services.checkout.checks[1].port = -1;
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'services.checkout.checks[0].timeoutMS: unknown key; did you mean `timeoutMs`?',
        'services.checkout.checks[0].severty: unknown key; did you mean `severity`?',
        expect.stringMatching(/^services\.checkout\.checks\[1\]\.port: /),
      ]),
    );
    expect(problems).toHaveLength(3);
  });
});

describe('acceptedKeysAt: the keys the schema accepts at a path of the document', () => {
  const document = config(() => undefined);
  it.each([
    [[], ['roles', 'deployments', 'services', 'incidents', 'digests', 'retention', 'egress']],
    [
      ['services', 'checkout', 'checks', 1],
      ['id', 'name', 'category', 'severity', 'weight', 'timeoutMs', 'remediation', 'environments', 'type', 'host', 'port'],
    ],
    [
      ['services', 'checkout', 'environments', 'prod', 'thresholds'],
      ['go', 'caution'],
    ],
    [
      ['deployments', 'templates', 'quick', 'phases', 0, 'tasks', 1],
      ['id', 'name', 'after', 'type', 'role', 'prompt'],
    ],
    [
      ['incidents', 'severities', 'sev2'],
      ['description', 'respondWithin', 'levels', 'repeat'],
    ],
    [['services', 'checkout', 'environments', 'prod', 'vars'], []],
    [['services', 'nowhere', 'checks', 9, 'deeper'], []],
  ] as const)('at %j', (path, keys) => {
    expect(acceptedKeysAt(ReadinessConfig, document, path)).toEqual(keys);
  });

  it('offers every check type’s keys when the type is unknown', () => {
    const keys = acceptedKeysAt(ReadinessConfig, { services: { a: { checks: [{ type: 'smtp' }] } } }, ['services', 'a', 'checks', 0]);
    expect(keys).toEqual(expect.arrayContaining(['url', 'host', 'hostname', 'query', 'role']));
  });
});

describe('suggestKey', () => {
  it.each([
    ['timeoutMS', ['timeoutMs', 'timeout'], 'timeoutMs'],
    ['TIMEOUT_MS', ['timeout', 'timeoutMs'], 'timeoutMs'],
    ['severty', ['severity', 'category'], 'severity'],
    ['sevreity', ['severity'], 'severity'],
    ['thresold', ['thresholds'], 'thresholds'],
    ['url', ['uri', 'id'], 'uri'],
    ['expectstatus', ['expectStatus'], 'expectStatus'],
    ['colour', ['id', 'name', 'host', 'port'], undefined],
    ['description', ['descr'], undefined],
    ['x', [], undefined],
    ['sev5', ['sev1', 'sev2'], undefined],
    ['v2', ['v1'], undefined],
  ] as const)('%s among %j → %s', (unknown, accepted, meant) => {
    expect(suggestKey(unknown, accepted)).toBe(meant);
  });

  it('prefers the closest key', () => {
    expect(suggestKey('warnDay', ['failDays', 'warnDays'])).toBe('warnDays');
  });

  it('says what is accepted when nothing is close', () => {
    expect(describeUnknownKey('colour', ['id', 'name'])).toBe('unknown key; accepted here: id, name');
    expect(describeUnknownKey('colour', [])).toBe('unknown key');
  });
});
