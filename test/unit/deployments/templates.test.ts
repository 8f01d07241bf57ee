import { describe, expect, it } from 'vitest';
import { parseReadinessConfig, parseReadinessYaml, ReadinessConfigError } from '../../../src/config/readiness-config.ts';
import { SHIPPED_TEMPLATES } from '../../../src/deployments/default-templates.ts';
import { buildPlan } from '../../../src/deployments/plan.ts';
import { deployPolicyFor, templateNamed } from '../../../src/deployments/deploy-policy.ts';

function shipped(name: string) {
  const template = SHIPPED_TEMPLATES[name];
  if (!template) throw new Error(`no shipped template ${name}`);
  return template;
}

const VARS = {
  deployUrl: 'https://deploy.internal/shop',
  prometheusUrl: 'http://prometheus:9090',
  errorRateQuery: 'sum(rate(http_errors[1m]))',
  service: 'shop',
  environment: 'prod',
  version: 'v3',
};

describe('shipped templates', () => {
  it('are standard, hotfix, blue-green and canary', () => {
    expect(Object.keys(SHIPPED_TEMPLATES)).toEqual(['standard', 'hotfix', 'blue-green', 'canary']);
  });

  it.each(Object.keys(SHIPPED_TEMPLATES))('%s plans with deployUrl, prometheusUrl and errorRateQuery, and rolls back automatically', (name) => {
    const result = buildPlan(name, shipped(name), VARS);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const { plan } = result;
    expect(JSON.stringify(plan)).not.toContain('{{');
    expect(plan.autoRollback).toBe(true);
    expect(plan.rollback.tasks.length).toBeGreaterThan(0);
    expect(plan.phases.some((phase) => phase.verification)).toBe(true);
    for (const task of [...plan.phases.flatMap((phase) => phase.tasks), ...plan.rollback.tasks]) {
      if (task.spec.type === 'webhook') expect(task.spec.url.startsWith(`${VARS.deployUrl}/`)).toBe(true);
      if (task.spec.type === 'monitor') expect(task.spec).toMatchObject({ url: VARS.prometheusUrl, query: VARS.errorRateQuery });
    }
    expect(plan.estimatedMs).toBeGreaterThan(0);
  });

  it('name every variable they need when the environment has none', () => {
    const missing = (name: string) => {
      const result = buildPlan(name, shipped(name), { service: 'shop', environment: 'prod', version: 'v3' });
      return result.ok ? [] : result.problems.map((problem) => /\{\{(\w+)\}\}/.exec(problem)?.[1]);
    };
    expect(missing('standard')).toEqual(['deployUrl']);
    expect(missing('hotfix')).toEqual(['deployUrl']);
    expect(missing('blue-green')).toEqual(['deployUrl', 'prometheusUrl', 'errorRateQuery']);
    expect(missing('canary')).toEqual(['deployUrl', 'prometheusUrl', 'errorRateQuery']);
  });

  it('standard: preparation, deployment, verification, finalization', () => {
    const result = buildPlan('standard', shipped('standard'), VARS);
    expect(result.ok && result.plan.phases.map((phase) => [phase.id, phase.verification])).toEqual([
      ['preparation', false],
      ['deployment', false],
      ['verification', true],
      ['finalization', false],
    ]);
    expect(result.ok && result.plan.estimatedMs).toBe(4000);
  });

  it('canary: traffic steps of 10, 50 and 100 %, each followed by an analysis of the error rate', () => {
    const result = buildPlan('canary', shipped('canary'), VARS);
    expect(result.ok && result.plan.phases.map((phase) => `${phase.id}${phase.verification ? ' (verification)' : ''}`)).toEqual([
      'traffic-10',
      'analysis-10 (verification)',
      'traffic-50',
      'analysis-50 (verification)',
      'traffic-100',
      'analysis-100 (verification)',
    ]);
    expect(result.ok && result.plan.phases[0]?.tasks[0]?.spec).toMatchObject({ url: `${VARS.deployUrl}/traffic?percent=10` });
    expect(result.ok && result.plan.rollback.tasks[0]?.spec).toMatchObject({ url: `${VARS.deployUrl}/traffic?percent=0` });
  });
});

/** A one-service config: `roles` and `templates` at the top, `deploy` as the policy of `live`, an unprotected environment. */
function config(input: { deploy?: unknown; templates?: unknown; roles?: unknown }) {
  return {
    ...(input.roles ? { roles: input.roles } : {}),
    ...(input.templates ? { deployments: { templates: input.templates } } : {}),
    services: {
      shop: {
        environments: { live: { vars: { deployUrl: 'https://deploy.internal' }, ...(input.deploy ? { deploy: input.deploy } : {}) } },
        checks: [{ id: 'health', name: 'Health', type: 'http', url: 'https://shop.internal/healthz' }],
      },
    },
  };
}

function problemsOf(document: unknown): string[] {
  try {
    parseReadinessConfig(document, 'readiness.yaml');
  } catch (error) {
    if (error instanceof ReadinessConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ReadinessConfigError');
}

const webhook = (id: string, after: string[] = []) => ({ id, type: 'webhook', url: `{{deployUrl}}/${id}`, after });

describe('deployment config validation', () => {
  it('defaults: the standard template, a GO at most 24 h old, anyone may deploy', () => {
    const parsed = parseReadinessConfig(config({}), 'readiness.yaml');
    expect(deployPolicyFor(parsed, 'shop', 'live')).toEqual({ template: 'standard', planExpiresAfter: 3_600_000 });
    expect(deployPolicyFor(parsed, 'shop', 'nowhere').template).toBe('standard');
    expect(parsed.deployments.templates).toEqual({});
  });

  it('reads a policy with durations as people write them', () => {
    const parsed = parseReadinessConfig(
      config({
        roles: { deployers: { users: ['U0DEPLOYER'] } },
        deploy: { template: 'canary', maxDecisionAge: '4h', deployerRole: 'deployers', webhookSecret: 'sixteen-chars-at-least' },
      }),
      'readiness.yaml',
    );
    expect(deployPolicyFor(parsed, 'shop', 'live')).toEqual({
      template: 'canary',
      maxDecisionAge: 14_400_000,
      planExpiresAfter: 3_600_000,
      deployerRole: 'deployers',
      webhookSecret: 'sixteen-chars-at-least',
    });
  });

  it('refuses a policy naming a template that is neither shipped nor defined, listing the ones there are', () => {
    expect(
      problemsOf(
        config({
          deploy: { template: 'yolo' },
          templates: { careful: { phases: [{ id: 'p', tasks: [webhook('a')] }], rollback: { tasks: [webhook('u')] } } },
        }),
      ),
    ).toEqual(['services.shop.environments.live.deploy.template: "yolo" is not a template (standard, hotfix, blue-green, canary, careful)']);
  });

  it('refuses a deployerRole, or a manual gate role, that is not defined under roles', () => {
    const problems = problemsOf(
      config({
        deploy: { deployerRole: 'deployers' },
        templates: {
          gated: { phases: [{ id: 'p', tasks: [{ id: 'ok', type: 'manual-gate', role: 'approvers' }] }], rollback: { tasks: [webhook('u')] } },
        },
      }),
    );
    expect(problems).toEqual([
      'deployments.templates.gated.phases[0].tasks[0].role: "approvers" is not defined under roles (no roles are defined)',
      'services.shop.environments.live.deploy.deployerRole: "deployers" is not defined under roles (no roles are defined)',
    ]);
  });

  it('refuses dependency cycles and unknown dependencies, in phases and in the rollback, all at once', () => {
    const problems = problemsOf(
      config({
        templates: {
          tangled: {
            phases: [
              { id: 'fine', tasks: [webhook('a'), webhook('b', ['a'])] },
              { id: 'loop', tasks: [webhook('c', ['d']), webhook('d', ['c'])] },
              { id: 'dangling', tasks: [webhook('e', ['nope'])] },
            ],
            rollback: { tasks: [webhook('r1', ['r2']), webhook('r2', ['r1'])] },
          },
        },
      }),
    );
    expect(problems).toEqual([
      'deployments.templates.tangled.phases[1].tasks: tasks c, d wait for each other',
      'deployments.templates.tangled.phases[2].tasks: task e waits for nope, which is not a task of the same phase',
      'deployments.templates.tangled.rollback.tasks: tasks r1, r2 wait for each other',
    ]);
  });

  it('names the key path of malformed templates and policies', () => {
    const problems = problemsOf(
      config({
        deploy: { maxDecisionAge: 'a while', webhookSecret: 'short' },
        templates: {
          broken: {
            phases: [
              {
                id: 'p',
                tasks: [
                  { id: 'x', type: 'teleport' },
                  { id: 'w', type: 'wait', duration: 'soon' },
                ],
              },
            ],
            rollback: { tasks: [] },
          },
        },
      }),
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(
      expect.arrayContaining([
        'deployments.templates.broken.phases[0].tasks[0].type',
        'deployments.templates.broken.phases[0].tasks[1].duration',
        'deployments.templates.broken.rollback.tasks',
        'services.shop.environments.live.deploy.maxDecisionAge',
        'services.shop.environments.live.deploy.webhookSecret',
      ]),
    );
  });

  it('lets a template in readiness.yaml replace a shipped one of the same name', () => {
    const parsed = parseReadinessYaml(
      [
        'deployments:',
        '  templates:',
        '    standard:',
        '      autoRollback: false',
        '      phases:',
        '        - { id: ship, timeout: 5m, tasks: [{ id: ship, type: webhook, url: "{{deployUrl}}/ship" }] }',
        '      rollback: { maxDuration: 2m, tasks: [{ id: undo, type: webhook, url: "{{deployUrl}}/undo" }] }',
        'services:',
        '  shop:',
        '    environments: { prod: { vars: { deployUrl: "https://deploy.internal" } } }',
        '    checks: [{ id: health, name: Health, type: http, url: "https://shop.internal/healthz" }]',
      ].join('\n'),
      'readiness.yaml',
    );
    const standard = templateNamed(parsed, 'standard');
    expect(standard).toMatchObject({ autoRollback: false, phases: [{ id: 'ship', timeout: 300_000 }], rollback: { maxDuration: 120_000 } });
    expect(templateNamed(parsed, 'canary')).toBe(SHIPPED_TEMPLATES.canary);
    expect(templateNamed(parsed, 'constructor')).toBeUndefined();
  });
});
