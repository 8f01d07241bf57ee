import { describe, expect, it } from 'vitest';
import { buildPlan, dependencyOrder } from '../../../src/deployments/plan.ts';
import { Template } from '../../../src/deployments/template.schema.ts';

const template = (input: unknown) => Template.parse(input);
const webhook = (id: string, url: string, extra: Record<string, unknown> = {}) => ({ id, type: 'webhook', url, ...extra });
const wait = (id: string, duration: string, after: string[] = []) => ({ id, type: 'wait', duration, after });

describe('buildPlan: variables', () => {
  it('resolves every {{var}} from the environment, plus service, environment and version', () => {
    const result = buildPlan(
      'custom',
      template({
        phases: [
          {
            id: 'ship',
            tasks: [
              webhook('deploy', '{{deployUrl}}/deploy?service={{service}}&env={{ environment }}&v={{version}}', {
                statusUrl: '{{deployUrl}}/status',
              }),
            ],
          },
          {
            id: 'watch',
            tasks: [
              {
                id: 'errors',
                type: 'monitor',
                url: '{{prometheusUrl}}',
                query: 'rate(errors{job="{{service}}"}[1m])',
                comparator: '<',
                threshold: 1,
              },
            ],
          },
        ],
        rollback: { tasks: [webhook('undo', '{{deployUrl}}/undo')] },
      }),
      { deployUrl: 'https://deploy.internal', prometheusUrl: 'http://prom:9090', service: 'shop', environment: 'prod', version: 'v1.2' },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [ship, watch] = result.plan.phases;
    expect(ship?.tasks[0]?.spec).toMatchObject({
      url: 'https://deploy.internal/deploy?service=shop&env=prod&v=v1.2',
      statusUrl: 'https://deploy.internal/status',
    });
    expect(watch?.tasks[0]?.spec).toMatchObject({ url: 'http://prom:9090', query: 'rate(errors{job="shop"}[1m])' });
    expect(result.plan.rollback.tasks[0]?.spec).toMatchObject({ url: 'https://deploy.internal/undo' });
    expect(JSON.stringify(result.plan)).not.toContain('{{');
  });

  it('reports every variable the environment lacks at once, each once, in phases and in the rollback', () => {
    const result = buildPlan(
      'custom',
      template({
        phases: [
          { id: 'one', tasks: [webhook('a', '{{deployUrl}}/a'), webhook('b', '{{deployUrl}}/b?token={{token}}')] },
          { id: 'two', tasks: [webhook('c', '{{region}}/c')] },
        ],
        rollback: { tasks: [webhook('undo', '{{rollbackUrl}}')] },
      }),
      { service: 'shop' },
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        "template custom uses {{deployUrl}}, which this environment's vars do not define",
        "template custom uses {{token}}, which this environment's vars do not define",
        "template custom uses {{region}}, which this environment's vars do not define",
        "template custom uses {{rollbackUrl}}, which this environment's vars do not define",
      ],
    });
  });

  it('looks up own vars only: {{constructor}} is missing, not Object.prototype.constructor', () => {
    const result = buildPlan(
      'custom',
      template({ phases: [{ id: 'p', tasks: [webhook('a', 'http://x/{{constructor}}')] }], rollback: { tasks: [webhook('u', 'http://x/u')] } }),
      {},
    );
    expect(result).toEqual({ ok: false, problems: ["template custom uses {{constructor}}, which this environment's vars do not define"] });
  });

  it('keeps names, phase settings and rollback settings, with the schema defaults', () => {
    const result = buildPlan(
      'custom',
      template({
        autoRollback: false,
        phases: [
          { id: 'ship', name: 'Ship it', timeout: '5m', verification: true, tasks: [webhook('deploy', 'http://x', { name: 'Deploy the thing' })] },
        ],
        rollback: { tasks: [webhook('undo', 'http://x/undo')], maxDuration: '3m', verify: ['health'] },
      }),
      {},
    );
    expect(result.ok && result.plan).toMatchObject({
      template: 'custom',
      autoRollback: false,
      phases: [
        {
          id: 'ship',
          name: 'Ship it',
          timeoutMs: 300_000,
          verification: true,
          tasks: [{ id: 'deploy', name: 'Deploy the thing', type: 'webhook', after: [] }],
        },
      ],
      rollback: { maxDurationMs: 180_000, verify: ['health'], tasks: [{ id: 'undo', name: 'undo' }] },
    });
  });
});

describe('dependencyOrder', () => {
  it('puts tasks in layers: each layer waits only for earlier ones, and runs in parallel', () => {
    const order = dependencyOrder([
      { id: 'a', after: [] },
      { id: 'b', after: ['a'] },
      { id: 'c', after: [] },
      { id: 'd', after: ['b', 'c'] },
      { id: 'e', after: ['a'] },
    ]);
    expect(order).toEqual({ ok: true, layers: [['a', 'c'], ['b', 'e'], ['d']] });
  });

  it('runs a phase without dependencies as one parallel layer', () => {
    expect(
      dependencyOrder([
        { id: 'x', after: [] },
        { id: 'y', after: [] },
      ]),
    ).toEqual({ ok: true, layers: [['x', 'y']] });
  });

  it('names the tasks in a cycle, including a task that waits for itself', () => {
    expect(
      dependencyOrder([
        { id: 'a', after: ['b'] },
        { id: 'b', after: ['a'] },
        { id: 'c', after: [] },
      ]),
    ).toEqual({ ok: false, problem: 'tasks a, b wait for each other' });
    expect(dependencyOrder([{ id: 'solo', after: ['solo'] }])).toEqual({ ok: false, problem: 'tasks solo wait for each other' });
  });

  it('names a dependency that is not a task of the phase', () => {
    expect(dependencyOrder([{ id: 'a', after: ['ghost'] }])).toEqual({
      ok: false,
      problem: 'task a waits for ghost, which is not a task of the same phase',
    });
  });

  it('makes buildPlan refuse a template whose phase has a cycle, naming the template and the phase', () => {
    const result = buildPlan(
      'loopy',
      template({
        phases: [{ id: 'ship', tasks: [wait('a', '1s', ['b']), wait('b', '1s', ['a'])] }],
        rollback: { tasks: [webhook('u', 'http://x')] },
      }),
      {},
    );
    expect(result).toEqual({ ok: false, problems: ['template loopy, phase ship: tasks a, b wait for each other'] });
  });
});

describe('buildPlan: estimates', () => {
  it('gives each task type its estimate', () => {
    const result = buildPlan(
      'custom',
      template({
        phases: [
          {
            id: 'all',
            tasks: [
              webhook('plain', 'http://x'),
              webhook('polled', 'http://x', { statusUrl: 'http://x/status', pollEvery: '5s' }),
              wait('pause', '90s'),
              { id: 'gate', type: 'checks', checks: ['health'] },
              { id: 'watch', type: 'monitor', url: 'http://prom', query: 'up', comparator: '>', threshold: 0, for: '2m' },
              { id: 'ok', type: 'manual-gate', role: 'approvers' },
            ],
          },
        ],
        rollback: { tasks: [webhook('u', 'http://x')] },
      }),
      {},
    );
    expect(result.ok && Object.fromEntries(result.plan.phases[0]?.tasks.map((task) => [task.id, task.estimateMs]) ?? [])).toEqual({
      plain: 1000,
      polled: 15_000,
      pause: 90_000,
      gate: 2000,
      watch: 120_000,
      ok: 0,
    });
  });

  it('sums the phases, each along its critical path: parallel tasks overlap, `after` chains add up', () => {
    const result = buildPlan(
      'custom',
      template({
        phases: [
          // max(3 s, 1 s + 4 s) = 5 s
          { id: 'one', tasks: [wait('a', '3s'), wait('b', '1s'), wait('c', '4s', ['b'])] },
          // 2 s + max(1 s, 6 s) + 1 s = 9 s
          { id: 'two', tasks: [wait('d', '2s'), wait('e', '1s', ['d']), wait('f', '6s', ['d']), wait('g', '1s', ['e', 'f'])] },
          // parallel: the longest, 10 s
          { id: 'three', tasks: [wait('h', '10s'), wait('i', '10s'), wait('j', '2s')] },
        ],
        rollback: { tasks: [wait('u', '1h')] },
      }),
      {},
    );
    expect(result.ok && result.plan.estimatedMs).toBe(24_000);
  });
});
